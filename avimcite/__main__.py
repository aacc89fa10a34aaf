from avimcite.entry import run

run()
