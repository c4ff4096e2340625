# Sarnakh's web interface, English.
app-name = Sarnakh
nav-inbox = Inbox
nav-leads = Leads
nav-sign-out = Sign out
skip-to-content = Skip to content
signed-in-as = Signed in as { $name }

login-title = Sign in
login-email = Email
login-password = Password
login-submit = Sign in
login-failed = The email or password is wrong.
login-throttled = Too many failed attempts. Try again in { $seconds ->
    [one] one second
   *[other] { $seconds } seconds
}.

inbox-title = Inbox
inbox-followups = Follow-ups due
inbox-no-followups = No follow-ups are due.
inbox-new-leads = New leads
inbox-no-leads = No new leads are waiting.
inbox-lead-count = { $count ->
    [one] One lead waits for a first contact.
   *[other] { $n } leads wait for a first contact.
}
inbox-due = Contact by { $when }
inbox-breached = Late
inbox-contacted = Contacted { $when }
task-due = Due { $when }
task-overdue = Overdue

leads-title = Leads
leads-search = Search
leads-search-placeholder = Name, email, phone or company
leads-filter-status = Status
leads-any = Any
leads-none = No leads match.
leads-more = Next page
col-name = Name
col-company = Company
col-source = Source
col-score = Score
col-stage = Stage
col-status = Status
col-owner = Owner
col-created = Created

lead-title = { $name }
lead-facts = Facts
lead-score = Score { $score } (grade { $grade })
lead-score-breakdown = Why this score
lead-readiness = Ready for the next stage?
lead-criterion-met = met
lead-criterion-unmet = missing
lead-ready = Every criterion holds.
lead-timeline = Timeline
lead-no-timeline = Nothing has happened yet.
lead-qualify = Qualify as a prospect
field-email = Email
field-phone = Phone
field-job-title = Job title
field-company = Company
field-country = Country
field-source = Source
field-campaign = Campaign
field-industry = Industry
field-company-size = Company size
field-need = Need
field-owner = Owner

stage-lead = Lead
stage-prospect = Prospect
stage-converted = Converted
status-open = Open
status-nurture = Nurture
status-disqualified = Disqualified
status-converted = Converted

error-title = Something went wrong
error-not-found = This page does not exist, or you may not see it.
error-forbidden = You may not do this.
error-invalid = Some values were not accepted:
error-conflict = Someone changed this record meanwhile; reload and try again.
error-internal = Sarnakh could not finish this; the error was logged.
error-csrf = The form expired. Reload the page and try again.
back-home = Back to the inbox

nav-pipeline = Pipeline
pipeline-title = Pipeline
pipeline-done-moved = The deal moved.
pipeline-done-won = The deal is won.
pipeline-done-lost = The deal is lost.
pipeline-count = { $n } open deals
pipeline-total = Total { $amount }
pipeline-weighted = Weighted { $amount }
pipeline-move-to = Stage
pipeline-move = Move
pipeline-won = Won
pipeline-lost = Lost
pipeline-loss-reason = Why lost
pipeline-more = More deals than shown; filter the list to see them.
loss-price = Price
loss-competitor = Chose a competitor
loss-no_decision = No decision
loss-timing = Timing
loss-product_fit = Product fit
loss-lost_contact = Lost contact
loss-other = Other

action-title = Next step
action-call = Log a call
action-call-summary = Call
action-call-outcome = Outcome
action-call-note = What was said
action-follow-up = Schedule a follow-up
action-follow-up-title = Follow up
action-follow-up-when = When
action-disqualify = Disqualify
action-disqualify-reason = Reason
action-note = Note
action-convert = Convert into a customer
action-convert-help = The account is matched by the company name, or created; the person becomes its contact.
action-deal-name = Deal name
action-product = Product
action-amount = Amount
action-currency = Currency
action-expected-close = Expected close
done-qualified = The lead is now a prospect.
done-call = The call is logged.
done-follow-up = The follow-up is scheduled.
done-disqualified = The lead is disqualified.
pipeline-done-converted = The prospect is converted; its deal is on the board.
preset-tomorrow = Tomorrow
preset-week = In a week
preset-month = In a month
preset-quarter = In three months
outcome-connected = Connected
outcome-left_voicemail = Left a voicemail
outcome-no_answer = No answer
outcome-wrong_contact = Wrong contact
outcome-completed = Completed
outcome-rescheduled = Rescheduled
reason-not_interested = Not interested
reason-no_budget = No budget
reason-no_authority = No authority
reason-no_need = No need
reason-unreachable = Unreachable
reason-wrong_fit = Wrong fit
reason-duplicate = Duplicate
reason-spam = Spam
reason-other = Other (explain in the note)

nav-follow-ups = Follow-ups
followups-title = Follow-ups
followups-overdue = Overdue
followups-today = Today
followups-week = This week
followups-complete = Done
followups-move-to = Move to
followups-reschedule = Move
followups-done-completed = The follow-up is done.
followups-done-rescheduled = The follow-up is moved.

nav-opportunities = Opportunities
nav-accounts = Accounts
deals-title = Opportunities
accounts-title = Accounts
account-contacts = Contacts
account-customer-since = Customer since { $when }
col-deal = Opportunity
col-amount = Amount
col-close = Close
col-customer-since = Customer since
deal-status-open = Open
deal-status-won = Won
deal-status-lost = Lost
