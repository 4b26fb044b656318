-- Stays empty. After a full disk, while no write arrives, the writer checks now and then whether a
-- write fits again by inserting a row of 64 KB here and deleting it in one committed transaction
-- (GroupCommitWriter), so that the store says it is healthy again without waiting for traffic.
CREATE TABLE write_probe (filler BLOB NOT NULL);
