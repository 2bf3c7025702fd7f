"""The NAOqi API of real robots, as data: listings, their parser and the qi binder."""
