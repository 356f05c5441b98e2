"""Data care (个人信息保护法): residents' names and phones are erased a set number of days after
their report ended (by beat), or at once on a person's request (a staff tool), each time with an
internal event on the report's timeline. Statistics read neither, so they are unaffected."""
