"""KPIs and surveys: how the service is evaluated the way a prefecture's speech-recognition
minutes trial did, from the surveys users answer and the time they spend editing.

Definitions (the report pages and the README quote these):

* A meeting belongs to the period (month / fiscal year) in which its transcription job finished,
  as a Japan-time date. Its surveys and its edit rate belong to the same period, so one row's
  figures always describe the same meetings.
* 満足度 (satisfaction rate) = responses answering 大変満足 or 満足 / all responses.
* 継続利用意向 (continued-use rate) = responses answering はい / all responses (いいえ and
  わからない stay in the denominator).
* A response is one survey row (one user × one meeting). Zero responses → rate ``None``
  (shown "—", never 0 %).
* Minutes saved per response = estimated minutes without the system − (measured active editing
  time + review minutes the user added). Negative results are kept and counted, never clipped.
* Hours saved per month = total hours saved / months of the period that have ≥ 1 response.
* Edit rate of a meeting = CER (evaluation.metrics.cer, normalised as in evaluation.normalize) of
  the pipeline's draft (revision 1) against the last saved revision as the reference, over the
  concatenated turn texts; only meetings with ≥ 2 revisions; the period's figure is the plain
  mean over those meetings.
* Fiscal years run April–March and are named after the year they start in: FY2024 =
  2024-04-01 … 2025-03-31 = 令和6年度.

Modules, pure ones first (no database): ``answers`` (the survey's choices), ``periods`` (Japan
time, fiscal years, 令和 labels), ``figures`` (what a meeting and a response contribute),
``summary`` (figures → ``KpiRow``), ``display`` (rounding and the columns every output shows).
With the database: ``surveys`` (saving answers and editing time), ``closures`` (month closing,
締め), ``queries`` (rows → figures), ``report`` (scope and the two tables), ``files`` (CSV/XLSX).
This package imports nothing from ``service.api`` or ``service.web``: routes and pages both call it.
"""
