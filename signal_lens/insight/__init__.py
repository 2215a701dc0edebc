"""What a record learns beyond timing: each receiver's queries, the writes that skip save
receivers, on_commit callbacks and spans."""
