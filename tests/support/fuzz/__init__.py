"""A record fuzzer for a service's input topic, on the real broker, and its accounting.

- ``plans``: hypothesis strategies of records (what key, value and headers are made of);
- ``targets``: what a valid payload, a proper key and an answer are for one consumer;
- ``build``: plans into the bytes sent, remembering what each record is;
- ``wire``: batches onto the broker (compressed or not, one record batch or many), with
  the offset each record got;
- ``ledger``: every record accounted for by its offset (pure, unit-tested);
- ``observe``: what the service did, read back from its dead-letter topic, its inbox and
  its answers.
``tests/integration/fuzz/test_record_fuzzer.py`` drives them.
"""
