// authenticate: checks who is buying. Any well-formed email with a name is a known customer here.
const { createService, listen, jsonErrors } = require('./service');

const app = createService();

app.post('/verify', (req, res) => {
  const { email, name } = req.body ?? {};
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    return res.status(401).json({ error: 'a valid email is needed to check out' });
  }
  if (typeof name !== 'string' || !name.trim()) {
    return res.status(401).json({ error: 'a name is needed to check out' });
  }
  res.json({ customerId: `c-${email.toLowerCase()}`, email: email.toLowerCase() });
});

jsonErrors(app);
listen(app, 'authenticate');
