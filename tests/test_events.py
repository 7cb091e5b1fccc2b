"""Dates of events when a sentence gives a stretch of time in two pieces: the event spans
the stretch, never just its first day; two separate dates make two events."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.build import extract
from timeline.config import load_config
from timeline.dates import span_label
from timeline.documents import read_document
from timeline.events import proper_names
from timeline.model import Event
from timeline.temporal import Settings

CASES = [
    ("The talks were held on Sunday and Monday in Tianjin.", "31 Aug – 1 Sep 2025"),
    ("Trade grew in 1995 and 1996 before it fell.", "1995–1996"),
    ("Prices rose between 2001 and 2004 across the region.", "2001–2004"),
    ("The drills ran from 3 to 5 May 2025 near the coast.", "3–5 May 2025"),
    ("The drills ran 3-5 May 2025 near the coast.", "3–5 May 2025"),
    ("The drills ran on 1 and 2 September near the coast.", "1–2 Sep 2025"),
    ("The envoys talked between 3 and 17 June in Geneva.", "3–17 Jun 2025"),
    ("The drills ran from May 3 to May 5 near the coast.", "3–5 May 2025"),
    # two dates joined by "and" that are not one stretch: two happenings, one at each date
    ("The minister visited Moscow in 2015 and 2019.", "2015 | 2019"),
    ("The court sat on Monday and again on Tuesday.", "1 Sep 2025 | 2 Sep 2025"),
    # one expression for two days that do not follow each other: each dates an event
    ("The envoys met on 3 and 17 May in Geneva.", "3 May 2025 | 17 May 2025"),
    ("The envoys met on Sunday, 3 and 17 August 2025.", "3 Aug 2025 | 17 Aug 2025"),
    ("The envoys met on the 3rd and 17th of May.", "3 May 2025 | 17 May 2025"),
    ("The talks were held on 3, 10 and 17 June in Geneva.",
     "3 Jun 2025 | 10 Jun 2025 | 17 Jun 2025"),
    # ... month first too
    ("The envoys met on May 3 and 17.", "3 May 2025 | 17 May 2025"),
    ("The talks were held on June 3, 10 and 17, 2024, in Oslo.",
     "3 Jun 2024 | 10 Jun 2024 | 17 Jun 2024"),
    ("The envoys met on May 3rd and 17th in Geneva.", "3 May 2025 | 17 May 2025"),
    # ... not when what follows the second number is not a date's end: a count
    ("On May 3 and 4 officers were hurt near the port.", "3 May 2025"),
    # a day after another month's name is that month's: May 3, then 17 July
    ("The envoys met on May 3 and 17 July.", "3 May 2025 | 17 Jul 2025"),
    ("The port was shut from May 3 to 17 June.", "3 May – 17 Jun 2025"),
    ("They met on May the 3rd and 17th of June.", "3 May 2025 | 17 Jun 2025"),
    # a list of days running is one stretch
    ("The drills ran on 1, 2 and 3 June near the coast.", "1–3 Jun 2025"),
    ("The drills ran on May 3 and 4, near the coast.", "3–4 May 2025"),
    ("Prices rose between May 3 and 17, the agency said.", "3–17 May 2025"),
    # other wording between them: the first dates the sentence
    ("The envoys met on Monday, then flew home on Friday.", "1 Sep 2025"),
    # "the eve of" or "two days after" a happening then a date: the date may be the
    # happening's or the sentence's, so either day, and about
    ("Officials met on the eve of the summit on 3 March in Geneva.", "about 2–3 Mar 2025"),
    ("On the eve of the summit, on 3 March, officials met in Geneva.", "about 2–3 Mar 2025"),
    ("The talks collapsed two days after the attack on 3 March.", "about 3–5 Mar 2025"),
    ("The opposition rallied on the eve of the vote on Sunday.", "about 30–31 Aug 2025"),
    ("Envoys met a week before the vote on 3 March.", "about 24 Feb – 3 Mar 2025"),
    ("The cabinet resigned within a week of the vote on 3 March.", "about 24 Feb – 10 Mar 2025"),
    ("The cabinet resigned shortly before the vote on 3 March.", "about 2–3 Mar 2025"),
    ("The airline collapsed a year after the crash on 3 May 2019.",
     "about May 2019 – May 2020"),
    ("Ten years after the wall fell, on 9 November 1989, the city danced.",
     "about Nov 1989 – Nov 1999"),
    # months and years away, or a count that is no number: the stretch, about
    ("The airline collapsed a year after 3 May 2019.", "about May 2020"),
    ("The inquiry opened three months after the crash in May 2019.", "about May–Aug 2019"),
    ("The dam broke two weeks after the flood in June.", "about Jun–Jul 2025"),
    ("The inquiry opened a few weeks after 3 May.", "about 17 May – 7 Jun 2025"),
    ("Trade fell just after the takeover in 1948.", "1948"),
    # ... and right before the date, the day it names
    ("Officials met on the eve of the 3 March summit in Geneva.", "2 Mar 2025"),
    ("The talks collapsed two days after 3 March.", "5 Mar 2025"),
    # "the next day, 4 May": the day written out, not the one counted from the last date
    ("The strike ended on 1 September. The rebels attacked the next day, 4 May, in the north.",
     "1 Sep 2025 | 4 May 2025"),
    ("The strike ended on 3 May. The rebels attacked the next day, 4 May, in the north.",
     "3 May 2025 | 4 May 2025"),
    # a date of something the sentence mentions does not date what it reports
    ("The anniversary of the 9 May 1945 victory was marked on Friday in Moscow.",
     "29 Aug 2025"),
    ("Veterans of the 1 September 2004 siege gathered in Beslan on Monday.", "1 Sep 2025"),
    ("The law, in force since 1 January 2020, was repealed on Tuesday.", "2 Sep 2025"),
    ("The museum, which opened on 5 May 1999, closed on Monday.", "1 Sep 2025"),
    ("The 2019 election saw a record turnout.", "2019"),
    ("The firm was sold in 2024 to Acme, which was founded on 3 March 2019.", "2024"),
    ("Police said the suspect, arrested on Friday, had fled on 2 May.", "2 May 2025"),
    ("The vote, due on 3 October, was cancelled on Tuesday.", "2 Sep 2025"),
    ("The strike ended on 1 September. Exactly a year earlier, on 3 May 2024, the dam burst.",
     "1 Sep 2025 | 3 May 2024"),
    # "since" after a comparison dates an earlier happening like the one reported: no date
    ("It was the first such visit since 1990.", ""),
    ("The minister visited Kyiv, his first trip since the war began in February 2022.", ""),
    ("The rally was the largest since 2011, police said.", ""),
    ("The two leaders have not met since 2019.", ""),
    ("On Monday, the rally was the largest since 2011.", "1 Sep 2025"),
    ("The first vote since 2019 was held on 3 May.", "3 May 2025"),
    # ... a state since a date starts then
    ("Since 2014, Russia has occupied Crimea.", "2014"),
    ("He has lived in exile since fleeing in 2014.", "2014"),
    # "40 years ago this week": the paper's week, 40 years back, not the paper's own
    ("The war began 40 years ago this week.", "1–7 Sep 1985"),
    ("The war began 40 years ago today.", "3 Sep 1985"),
    ("The war began 40 years ago to the day.", "3 Sep 1985"),
    ("The war began 40 years ago this month.", "Sep 1985"),
    ("The wall fell 35 years ago on Sunday.", "31 Aug 1990"),
    ("Nearly 40 years ago this week, the war began.", "about 1–7 Sep 1985"),
    ("The war began 40 years ago. On Sunday, veterans gathered.", "1985 | 31 Aug 2025"),
    # years joined by a hyphen or a slash are the years from one to the other
    ("In 1999-2000, the firm grew.", "1999–2000"),
    ("Prices rose in 2014-16.", "2014–2016"),
    ("Sales fell in the 2022/23 season.", "2022–2023"),
    ("The firm grew in 2014-12.", "2014"),
    # dates with "or" between them: somewhere in both, about
    ("The plant closed in 2015 or 2016.", "about 2015–2016"),
    ("The envoys met on Monday or Tuesday.", "about 1–2 Sep 2025"),
    ("The attack happened on 3 or 4 May.", "about 3–4 May 2025"),
    ("The attack happened on May 3 or 4, 2024.", "about 3–4 May 2024"),
    ("The plant closed in 2015 or early 2016.", "about Jan 2015 – Apr 2016"),
    # a participle after "be" is no past: "will be held on Monday" is ahead
    ("Talks will be held in Geneva on Monday.", "8 Sep 2025"),
    ("The talks should be held in Geneva on Monday.", "8 Sep 2025"),
    # what was said is dated by its own date, not by the day it was said ...
    ("Officials said on Tuesday that the talks had ended on Sunday.", "31 Aug 2025"),
    ("On Tuesday, officials said the talks had ended on Sunday.", "31 Aug 2025"),
    ("The ministry announced on Monday that talks would resume on Friday.", "5 Sep 2025"),
    ("Officials said on Tuesday that the talks had ended.", "2 Sep 2025"),
    # ... unless it was a forecast that the paper does not say came true
    ("He said in 2019 that the war would end by 2020.", "2019"),
    # clauses joined by ";" or "but", each with its own date: two happenings
    ("The first round was held in Doha in March; the second will be held in April.",
     "Mar 2025 | Apr 2026"),
    ("The army withdrew in 2019, but the border reopened in 2021.", "2019 | 2021"),
    # "began on ... and ended on ...": one happening, from the one to the other
    ("The talks began on Monday and ended on Wednesday.", "1–3 Sep 2025"),
    ("The talks began in Geneva on Monday and ended on Wednesday.", "1–3 Sep 2025"),
    # "that summer", "the following summer", "that month" point back to the text's date
    ("In 2019, the army withdrew. That summer, the border reopened.", "2019 | summer 2019"),
    ("In 2019, the army withdrew. The following summer, the border reopened.",
     "2019 | summer 2020"),
    ("In May 2019, the army withdrew. The following summer, the border reopened.",
     "May 2019 | summer 2019"),
    ("In 2019, the army withdrew. That month, the border reopened.", "2019 | 2019"),
    ("That summer, the border reopened.", "undated"),  # (shown, but with no date)
    # "the end of the month" is that of the month just named, else the paper's; in the
    # past tense, one that has ended
    ("The ceasefire was agreed on 3 May 2019. By the end of the month, fighting had stopped.",
     "3 May 2019 | late May 2019"),
    ("Fighting stopped at the end of the month.", "late Aug 2025"),
    ("Fighting stopped at the end of the year.", "late 2024"),
    ("Fighting will stop at the end of the week.", "about 6–7 Sep 2025"),
    # a weekday something is moved to is the next one; a day and month keeps the year its
    # tense gives (the move may have been decided months before the paper)
    ("The match was brought forward to Saturday.", "6 Sep 2025"),
    ("The 3 March vote was postponed to 10 March.", "10 Mar 2025"),
    # "Saturday into Sunday": the night between, both days
    ("Strikes hit Kyiv overnight Saturday into Sunday.", "30–31 Aug 2025"),
    # the date of a closing attribution is when it was said, not when it happened
    ("Shoigu visited Beijing on 1 September and met Wang Yi, the Kremlin said on Tuesday.",
     "1 Sep 2025"),
    ("Troops withdrew, the ministry said on Monday.", "1 Sep 2025"),
    # years away from a date whose year is a guess are no date (the happening is shown
    # undated); "to the day" is no offset
    ("Twenty years to the day after the 11 September attacks, the memorial opened.",
     "undated"),
    ("A year after 3 May, the inquiry closed.", "undated"),
    ("Twenty years to the day after 11 September 2001, the memorial opened.",
     "about Sep 2021"),
    # "next weekend" said on a weekday: the coming one or the one after
    ("Protesters will gather next weekend.", "about 6 Sep 2025 – 14 Sep 2025"),
    ("Protesters will gather this weekend.", "week of 1 Sep 2025"),
    # a holiday "of" a year is that year's
    ("The monks kept the Christmas of 1500 in the abbey.", "25 Dec 1500"),
    ("The family moved at Easter of 2003.", "20 Apr 2003"),
    # a vague stretch ahead is whole months, not days made up from the published one
    ("The two navies will hold more joint drills in the year ahead.", "about Sep 2025 – Sep 2026"),
]


@pytest.mark.parametrize(("sentence", "label"), CASES)
def test_a_stretch_given_in_two_pieces_dates_the_event(tmp_path: Path, sentence: str,
                                                        label: str) -> None:
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "a.md"
    path.write_text(f"---\ntitle: t\npublished: 2025-09-03\n---\n{sentence}\n")
    config = load_config(tmp_path)
    doc, problems = read_document(path, config.content_dir, config)
    assert doc is not None and not problems
    events = extract(doc, Settings.from_config(config.dates)).events
    assert " | ".join(span_label(e.date) if e.date else "undated" for e in events) == label


TITLES = [
    # the date phrase goes when the title is whole without it ...
    ("The ferry crews walked out on Monday.", "The ferry crews walked out"),
    ("On 4 March 2025, the ferry crews walked out.", "The ferry crews walked out"),
    ("Last month's talks in Doha ended without a deal.", "Talks in Doha ended without a deal"),
    # what was said, with the speaker for "he"
    ("Lavrov told reporters on Tuesday that he had met Wang Yi in Beijing on Sunday.",
     "Lavrov had met Wang Yi in Beijing"),
    # a date's lead-in goes with it
    ("The new tariffs take effect starting Monday.", "The new tariffs take effect"),
    ("The curfew will be lifted effective Monday.", "The curfew will be lifted"),
    ("A deal could come as early as next week.", "A deal could come"),
    # what a reader of the rendered article sees: no link targets, tags, code or quote marks
    ("[Sergei Shoigu](https://example.org/wiki/Sergei_Shoigu) met Wang Yi on Monday, "
     "[TASS reported](https://example.org/tass).", "Sergei Shoigu met Wang Yi on Monday"),
    ("The <em>ceasefire</em> was signed in Doha on <strong>3 March</strong>.",
     "The ceasefire was signed in Doha on 3 March"),
    ("> Officials met in Oslo on Monday.", "Officials met in Oslo"),
    ("Talks resumed on `2025-03-01` after a pause.[^1]",
     "Talks resumed on 2025-03-01 after a pause"),
    # ... and stays when the words before it need it
    ("The strike was set to last until Friday.", "The strike was set to last until Friday"),
    ("Dock workers in Porto joined a strike, which ended on Monday.",
     "Dock workers in Porto joined a strike, which ended on Monday"),
    # a date only a relative clause gives dates that clause's happening, told of what it
    # follows: the strike ended on Monday; when the workers joined it, the text does not say
    ("Dock workers in Porto joined the strike, which ended on Monday.", "The strike ended"),
    ("The firm was sold to Acme, which was founded in 2019.", "Acme was founded"),
    ("Lavrov met Wang Yi, who arrived in Moscow on Monday, and praised ties.",
     "Wang Yi arrived in Moscow"),
    ("The drills followed the visit of Nancy Pelosi, which ended on Wednesday.",
     "The visit of Nancy Pelosi ended"),
    # a stretch of time is one date phrase, dropped whole
    ("The port stayed shut from 3 March to 5 March.", "The port stayed shut"),
    # an aside between the subject and its verb goes; a name in it stays
    ("Dock workers in Porto, angry at the new rules, walked out on Monday.",
     "Dock workers in Porto walked out"),
    ("Its foreign minister, Ilse Brandt, signed the accord on Monday.",
     "Ilse Brandt signed the accord"),
    ("The harbour, officials said, reopened on Monday.", "The harbour reopened"),
    ("Lindqvist, Porto and Gdansk closed their ports on Monday.",
     "Lindqvist, Porto and Gdansk closed their ports"),
]

LIST_TITLES = [
    # a date that opens a list is not dropped alone: "2019 the minister visited Moscow"
    # would title the 2015 event with the other date
    ("In 2015 and 2019 the minister visited Moscow.",
     ["In 2015 and 2019 the minister visited Moscow"] * 2),
    ("On 3, 10 and 17 June the talks were held in Geneva.",
     ["On 3, 10 and 17 June the talks were held in Geneva"] * 3),
    ("On May 3 and 17, the envoys met in Geneva.",
     ["On May 3 and 17, the envoys met in Geneva"] * 2),
    # "days before <Y in June 2024>": two happenings, each titled by its own clause
    ("The two banks agreed on a merger days before the regulator tightened its rules in "
     "June 2024.", ["The regulator tightened its rules", "The two banks agreed on a merger"]),
    ("Just weeks after the ferry operator raised its fares in May 2024, the unions called a "
     "strike.", ["The ferry operator raised its fares", "The unions called a strike"]),
    # two verbs of one subject, each with its date: two happenings, the second titled with
    # the first's subject
    ("Okafor, a former judge, became mayor in 2016 and was elected governor in May 2023.",
     ["Okafor became mayor", "Okafor was elected governor"]),
    ("In Oslo, the envoy arrived on 3 March and then met the king on 4 March.",
     ["In Oslo, the envoy arrived", "The envoy met the king"]),
    # two clauses, each with its subject, verb and date
    ("The garrison withdrew in 2019, and the border crossing reopened in 2021.",
     ["The garrison withdrew", "The border crossing reopened"]),
    # ... and a pronoun there stands for the first clause's subject
    ("The Lindqvist ferry company was founded in 1923, and it was sold in 1998.",
     ["The Lindqvist ferry company was founded", "The Lindqvist ferry company was sold"]),
    # ... but the start and end of one happening stay one
    ("Dock workers in Porto began a strike on Monday and ended it on Wednesday.",
     ["Dock workers in Porto began a strike on Monday and ended it on Wednesday"]),
]


@pytest.mark.parametrize(("sentence", "title"), [*TITLES, *LIST_TITLES])
def test_a_title_drops_its_date_only_when_it_reads_whole_without_it(
        tmp_path: Path, sentence: str, title: str | list[str]) -> None:
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "a.md"
    path.write_text(f"---\ntitle: t\npublished: 2025-03-05\n---\n{sentence}\n")
    config = load_config(tmp_path)
    doc, _ = read_document(path, config.content_dir, config)
    assert doc is not None
    events = extract(doc, Settings.from_config(config.dates)).events
    assert [e.title for e in events] == (title if isinstance(title, list) else [title])


def test_a_sentence_may_open_with_a_name_joined_to_another() -> None:
    known = frozenset({"Moscow"})
    assert proper_names("Putin and Modi met in Moscow on Monday.", known) == [
        "Putin", "Modi", "Moscow"]
    # not a plural or an adjective: "Officials and ...", "Chinese and Russian officials"
    assert proper_names("Officials and Putin met in Moscow.", known) == ["Putin", "Moscow"]
    assert "Chinese" not in proper_names("Chinese and Russian officials met in Moscow.", known)


def _file_events(folder: Path, text: str) -> tuple[Event, ...]:
    """The event candidates of an article file holding ``text`` (front matter and all)."""
    path = folder / "article.md"
    path.write_text(text, encoding="utf-8")
    doc, _ = read_document(path, folder, load_config(folder))
    assert doc is not None
    return extract(doc, Settings()).events


def test_a_sentence_may_open_with_a_name_its_headline_writes(tmp_path: Path) -> None:
    events = _file_events(tmp_path, "---\ntitle: Putin welcomes Xi in Moscow\npublished: "
                          "2025-09-03\n---\nXi arrived in Moscow on Monday. Dock workers walked "
                          "out on Tuesday.\n\nMOSCOW, Sept 3 — Officials said the leaders "
                          "signed a pact on Tuesday.\n")
    assert events[0].actors == ("Xi", "Moscow")
    assert events[1].actors == ()  # "Dock" is no name, and the headline's first word no proof
    assert len(events) == 3 and "MOSCOW" not in events[2].actors  # a dateline's place


def test_a_sentence_may_open_with_another_spelling_of_a_name_the_document_uses(
        tmp_path: Path) -> None:
    events = _file_events(tmp_path, "---\npublished: 2019-03-28\n---\nPoutine called Sergei "
                          "Shoigu to discuss energy supplies on 27 March 2019. Vladimir Putin "
                          "and Shoigu last met in Lima. Dock workers walked out on 27 March "
                          "2019. Chinese state media reported the call on 28 March 2019, as "
                          "China often does.\n")
    assert events[0].actors == ("Poutine", "Sergei Shoigu")  # Putin, spelled so elsewhere
    assert all("Dock" not in a for e in events for a in e.actors)  # an ordinary opener
    assert all("Chinese" not in e.actors for e in events)  # China's adjective, not a name
