"""The demo's exam catalogue: what ``seed_demo`` creates, and what the benchmark's world
(``bench/loadset.py``) starts from: (number, title, track)."""

from .models import Exam

Track = Exam.Track
EXAMS = [
    ("070-410", "Installing and Configuring Windows Server 2012", Track.IT_PROFESSIONAL),
    ("070-411", "Administering Windows Server 2012", Track.IT_PROFESSIONAL),
    ("070-412", "Configuring Advanced Windows Server 2012 Services", Track.IT_PROFESSIONAL),
    ("070-461", "Querying Microsoft SQL Server 2012", Track.IT_PROFESSIONAL),
    ("070-687", "Configuring Windows 8", Track.IT_PROFESSIONAL),
    ("070-480", "Programming in HTML5 with JavaScript and CSS3", Track.DEVELOPER),
    ("070-483", "Programming in C#", Track.DEVELOPER),
    ("070-486", "Developing ASP.NET MVC 4 Web Applications", Track.DEVELOPER),
    ("072-410", "Installing and Configuring Windows Server 2012 (Academic)", Track.ACADEMIC),
    ("072-483", "Programming in C# (Academic)", Track.ACADEMIC),
    # Not covered by the offer (SS-3): the demo shows how they are refused.
    ("074-343", "Managing Projects with Microsoft Project 2013", Track.OTHER),
    ("077-418", "Microsoft Word 2013", Track.OTHER),
    ("098-361", "Software Development Fundamentals", Track.OTHER),
]
