"""Reference data the services read alike: published classifications as data files, with the
rules that compare their codes. Plain Python, read on first use; no service of its own."""
