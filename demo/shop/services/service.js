// How every Node service of the shop starts: Express with Retrospect's middleware, on loopback.
const express = require('express');
const { retrospect } = require('@retrospect/node');

/** An Express app that records request bodies on its spans and parses JSON bodies. */
function createService() {
  const app = express();
  app.use(retrospect());
  app.use(express.json());
  return app;
}

/** Listens on `PORT` (0: any free port) and prints the address, which the launcher waits for. */
function listen(app, name) {
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    console.log(`${name} listening on http://127.0.0.1:${server.address().port}`);
  });
  return server;
}

/** Answers bad input with a clear message instead of Express's HTML error page. */
function jsonErrors(app) {
  app.use((err, req, res, next) => {
    const status = err.status ?? err.statusCode ?? 500;
    res.status(status).json({ error: status < 500 ? err.message : 'internal error' });
  });
}

module.exports = { createService, listen, jsonErrors };
