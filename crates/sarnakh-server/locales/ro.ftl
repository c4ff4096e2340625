# Interfața web Sarnakh, română.
app-name = Sarnakh
nav-inbox = Inbox
nav-leads = Lead-uri
nav-sign-out = Ieșire
skip-to-content = Sari la conținut
signed-in-as = Conectat ca { $name }

login-title = Autentificare
login-email = E-mail
login-password = Parolă
login-submit = Autentificare
login-failed = E-mailul sau parola sunt greșite.
login-throttled = Prea multe încercări eșuate. Încercați din nou peste { $seconds ->
    [one] o secundă
    [few] { $seconds } secunde
   *[other] { $seconds } de secunde
}.

inbox-title = Inbox
inbox-followups = Urmăriri scadente
inbox-no-followups = Nicio urmărire nu este scadentă.
inbox-new-leads = Lead-uri noi
inbox-no-leads = Niciun lead nou nu așteaptă.
inbox-lead-count = { $count ->
    [one] Un lead așteaptă primul contact.
    [few] { $n } lead-uri așteaptă primul contact.
   *[other] { $n } de lead-uri așteaptă primul contact.
}
inbox-due = De contactat până la { $when }
inbox-breached = Întârziat
inbox-contacted = Contactat la { $when }
task-due = Scadent la { $when }
task-overdue = Depășit

leads-title = Lead-uri
leads-search = Caută
leads-search-placeholder = Nume, e-mail, telefon sau firmă
leads-filter-status = Stare
leads-any = Oricare
leads-none = Niciun lead nu se potrivește.
leads-more = Pagina următoare
col-name = Nume
col-company = Firmă
col-source = Sursă
col-score = Scor
col-stage = Etapă
col-status = Stare
col-owner = Responsabil
col-created = Creat

lead-title = { $name }
lead-facts = Date
lead-score = Scor { $score } (nota { $grade })
lead-score-breakdown = De ce acest scor
lead-readiness = Gata pentru etapa următoare?
lead-criterion-met = îndeplinit
lead-criterion-unmet = lipsește
lead-ready = Toate criteriile sunt îndeplinite.
lead-timeline = Cronologie
lead-no-timeline = Nu s-a întâmplat încă nimic.
lead-qualify = Califică drept client potențial
field-email = E-mail
field-phone = Telefon
field-job-title = Funcție
field-company = Firmă
field-country = Țară
field-source = Sursă
field-campaign = Campanie
field-industry = Industrie
field-company-size = Mărimea firmei
field-need = Nevoie
field-owner = Responsabil

stage-lead = Lead
stage-prospect = Client potențial
stage-converted = Convertit
status-open = Deschis
status-nurture = În maturare
status-disqualified = Descalificat
status-converted = Convertit

error-title = Ceva n-a mers
error-not-found = Pagina nu există sau nu aveți voie să o vedeți.
error-forbidden = Nu aveți voie să faceți asta.
error-invalid = Unele valori nu au fost acceptate:
error-conflict = Altcineva a modificat între timp înregistrarea; reîncărcați și încercați din nou.
error-internal = Sarnakh nu a putut termina; eroarea a fost înregistrată.
error-csrf = Formularul a expirat. Reîncărcați pagina și încercați din nou.
back-home = Înapoi la inbox

nav-pipeline = Pipeline
pipeline-title = Pipeline de vânzări
pipeline-done-moved = Oportunitatea a fost mutată.
pipeline-done-won = Oportunitatea este câștigată.
pipeline-done-lost = Oportunitatea este pierdută.
pipeline-count = { $n } oportunități deschise
pipeline-total = Total { $amount }
pipeline-weighted = Ponderat { $amount }
pipeline-move-to = Etapă
pipeline-move = Mută
pipeline-won = Câștigată
pipeline-lost = Pierdută
pipeline-loss-reason = Motivul pierderii
pipeline-more = Sunt mai multe oportunități decât cele afișate; filtrați lista.
loss-price = Preț
loss-competitor = A ales un concurent
loss-no_decision = Nicio decizie
loss-timing = Momentul
loss-product_fit = Potrivirea produsului
loss-lost_contact = Contact pierdut
loss-other = Altul

action-title = Pasul următor
action-call = Înregistrează un apel
action-call-summary = Apel
action-call-outcome = Rezultat
action-call-note = Ce s-a discutat
action-follow-up = Programează o urmărire
action-follow-up-title = Urmărire
action-follow-up-when = Când
action-disqualify = Descalifică
action-disqualify-reason = Motiv
action-note = Notă
action-convert = Convertește în client
action-convert-help = Contul este găsit după numele firmei sau creat; persoana devine contactul lui.
action-deal-name = Numele oportunității
action-product = Produs
action-amount = Valoare
action-currency = Monedă
action-expected-close = Închidere estimată
done-qualified = Lead-ul este acum client potențial.
done-call = Apelul a fost înregistrat.
done-follow-up = Urmărirea a fost programată.
done-disqualified = Lead-ul a fost descalificat.
pipeline-done-converted = Clientul potențial a fost convertit; oportunitatea lui este în pipeline.
preset-tomorrow = Mâine
preset-week = Peste o săptămână
preset-month = Peste o lună
preset-quarter = Peste trei luni
outcome-connected = Discuție purtată
outcome-left_voicemail = Mesaj vocal lăsat
outcome-no_answer = Fără răspuns
outcome-wrong_contact = Persoană greșită
outcome-completed = Finalizat
outcome-rescheduled = Reprogramat
reason-not_interested = Nu este interesat
reason-no_budget = Fără buget
reason-no_authority = Fără autoritate de decizie
reason-no_need = Fără nevoie
reason-unreachable = De negăsit
reason-wrong_fit = Nepotrivit
reason-duplicate = Duplicat
reason-spam = Spam
reason-other = Altul (explicați în notă)

nav-follow-ups = Urmăriri
followups-title = Urmăriri
followups-overdue = Depășite
followups-today = Azi
followups-week = Săptămâna aceasta
followups-complete = Gata
followups-move-to = Mută la
followups-reschedule = Mută
followups-done-completed = Urmărirea este încheiată.
followups-done-rescheduled = Urmărirea a fost mutată.

nav-opportunities = Oportunități
nav-accounts = Conturi
deals-title = Oportunități
accounts-title = Conturi
account-contacts = Contacte
account-customer-since = Client din { $when }
col-deal = Oportunitate
col-amount = Valoare
col-close = Închidere
col-customer-since = Client din
deal-status-open = Deschisă
deal-status-won = Câștigată
deal-status-lost = Pierdută

nav-dashboard = Panou
dashboard-title = Panou
dashboard-from = De la
dashboard-to = Până la
dashboard-show = Arată
dashboard-funnel = Pâlnia lead-urilor create în perioadă
dashboard-pipeline = Pipeline deschis pe etape
dashboard-opportunity = Oportunitate
dashboard-won = Câștigată
dashboard-rate = { $rate } % convertite
dashboard-stuck = { $n } blocate
dashboard-disqualified = De ce au fost descalificate lead-urile
dashboard-lost = De ce s-au pierdut oportunitățile
dashboard-none = Nimic în această perioadă.

profile-title = Profilul dumneavoastră
profile-preferences = Limbă și fus orar
profile-language = Limbă
profile-time-zone = Fus orar
profile-save = Salvează
profile-password = Parolă
profile-current-password = Parola actuală
profile-new-password = Parola nouă
profile-change-password = Schimbă parola (vă deconectează peste tot)
profile-tokens = Tokenuri API
profile-token-prefix = Începe cu
profile-token-scope = Drepturi
profile-token-used = Ultima folosire
profile-revoke = Revocă
profile-create-token = Creează un token
profile-secret-once = Tokenul nou, afișat o singură dată; copiați-l acum:
profile-done-preferences = Salvat.
profile-done-revoked = Tokenul a fost revocat.
profile-done-token = Tokenul a fost creat.

kind-created = Creat
kind-updated = Modificat
kind-qualified = Calificat
kind-converted = Convertit
kind-disqualified = Descalificat
kind-nurtured = Pus în maturare
kind-reopened = Redeschis
kind-stage_changed = Etapă schimbată
kind-won = Câștigată
kind-lost = Pierdută
kind-merged = Unificat
kind-merged_into = Unificat cu altă înregistrare
kind-buyer_role_set = Rol de cumpărător înregistrat
kind-call = Apel
kind-email = E-mail
kind-meeting = Întâlnire
kind-demo = Demonstrație
kind-note = Notă

dashboard-forecast = Prognoza în { $currency }
dashboard-forecast-legend = Cel mai închis: câștigat; apoi angajament; cel mai deschis: cel mai bun caz; linia este ținta.
dashboard-overdue = { $n ->
    [one] O oportunitate deschisă și-a depășit data estimată de închidere și nu intră în nicio lună.
    [few] { $n } oportunități deschise și-au depășit data estimată de închidere și nu intră în nicio lună.
   *[other] { $n } de oportunități deschise și-au depășit data estimată de închidere și nu intră în nicio lună.
}
dashboard-period = Perioada
dashboard-span = { $from } – { $to }
dashboard-accuracy = Acuratețea prognozei: angajat înainte de lună față de câștigat
dashboard-attainment = Realizare
dashboard-no-snapshot = fără instantaneu
dashboard-sources = Sursele de lead-uri în perioadă
dashboard-leads = Lead-uri
dashboard-to-prospect = Spre client potențial
dashboard-won-deals = Oportunități câștigate
dashboard-revenue = Venit câștigat
dashboard-percent = { $rate } %
dashboard-unconverted = { $amount } (și sume fără curs de schimb)
forecast-commit = Angajament
forecast-best-case = Cel mai bun caz
forecast-weighted = Ponderat
forecast-target = Țintă
nav-prospects = Clienți potențiali
prospects-title = Clienți potențiali
nav-contacts = Contacte
contacts-title = Contacte
contacts-search-placeholder = Nume sau e-mail
col-account = Cont
field-created = Creat
record-from-lead = Lead-ul de origine
deal-related = Legături
deal-closed-at = Închisă
deal-close-note = Nota de închidere
deal-close = Închide oportunitatea
deal-chance = Șansa de câștig
deal-chance-why = De ce
deal-main-contact = Contact principal
prediction-model = prezisă din oportunitățile închise ale echipei
prediction-stage = probabilitatea etapei (încă fără model)
prediction-closed = închisă
prediction-none = încă nicio predicție
role-decision_maker = Decident
role-champion = Susținător
role-influencer = Influențator
role-economic_buyer = Deținătorul bugetului
role-technical_evaluator = Evaluator tehnic
role-user = Utilizator
done-saved = Modificările sunt salvate.
edit-open = Editează
edit-title = Editează { $name }
edit-save = Salvează modificările
edit-back = Înapoi la înregistrare
edit-unassigned = Nimeni (nealocat)
field-first-name = Prenume
field-last-name = Nume de familie
field-error-required = Obligatoriu.
field-error-too_long = Prea lung.
field-error-invalid = Valoare nevalidă.
field-error-invalid_email = Nu este o adresă de e-mail.
field-error-invalid_phone = Nu este un număr de telefon.
field-error-invalid_country = Nu este un cod de țară (două litere, de ex. RO sau IR).
field-error-invalid_currency = Nu este un cod de monedă (trei litere, de ex. EUR sau RON).
field-error-invalid_amount = Nu este o valoare în această monedă.
field-error-negative_amount = Valoarea nu poate fi negativă.
field-error-invalid_date = Nu este o dată.
field-error-out_of_range = În afara intervalului.
field-error-unknown_user = Acest utilizator nu există.
field-error-contact_channel_required = Dați un e-mail sau un telefon.
leads-grade = Notă
leads-sort = Ordine
leads-export = Exportă această listă ca CSV
sort-newest = Cele mai noi
sort-oldest = Cele mai vechi
sort-score = Scor maxim
sort-name = Nume
sort-updated = Modificate recent
bulk-pick = Alege
bulk-pick-one = Alege { $name }
bulk-owner = Alocă lead-urile alese lui
bulk-assign = Alocă
bulk-assigned = { $count ->
    [one] Un lead alocat.
    [few] { $n } lead-uri alocate.
   *[other] { $n } de lead-uri alocate.
}
bulk-failed = { $count ->
    [one] Unul nu a putut fi alocat.
   *[other] { $n } nu au putut fi alocate.
}
source-web_form = Formular web
source-content_download = Descărcare de conținut
source-webinar = Webinar
source-event = Eveniment
source-inbound_call = Apel primit
source-cold_outreach = Prospectare la rece
source-referral = Recomandare
source-partner = Partener
source-import = Import
source-api = API
source-other = Altele
views-title = Vederi salvate
views-name = Salvează aceste filtre ca
views-save = Salvează vederea
views-delete = Șterge vederea { $name }
field-forecast-category = Categoria de prognoză
forecast-by-stage = După etapă
forecast-category-pipeline = În lucru
forecast-category-best_case = Cel mai bun caz
forecast-category-commit = Angajament
forecast-category-omitted = Exclus
forecast-category-by-stage = { $category } (după etapă)
forecast-category-closed = Închis
