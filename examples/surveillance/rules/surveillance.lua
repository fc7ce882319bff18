-- surveillance.lua: a rule pack for the flag_rules stage that flags CLAIMS
-- of workplace surveillance in French union tracts: one sentence saying
-- that management watches, measures or judges staff with a given means.
--
-- Seven rules, one per kind of surveillance: time_clock, geolocation,
-- activity_tracking, internet_monitoring, wearables, workload_metrics,
-- satisfaction_surveys. Each rule fires at most once per sentence and
-- points at the first word it matched; the flag's excerpt is the sentence.
--
-- How to read a rule:
--   set = "staff"        a vocabulary: terms/staff.txt, or a pattern below
--   all = { A, B }       A and B in the same sentence
--   any = { A, B }       A or B
--   none = { A, B }      neither A nor B (next to a positive condition)
-- The vocabularies under terms/ are plain lists, one term a line, matched
-- as whole words, ignoring case and accents ("Géolocalisé" = "geolocalise")
-- but NOT stemming: every inflected form is listed. Because accents are
-- ignored, a participle and a noun can be the same key ("badgé" = "badge",
-- "équipés" = "équipes", "portes" = "portés"): such forms are matched with
-- accent-exact patterns instead (wear_verbs, equip_verbs, ranked below).
--
-- What a claim is NOT (and what every rule leaves out, see NOT_A_CLAIM):
-- a demand (« Nous exigeons la fin du pointage »), a reminder of the law
-- (« La CNIL interdit... »), a denial (« Personne ne vous implantera de
-- puce »), a metaphor (« pas un bracelet électronique »), advice to the
-- reader (« Faites une capture d'écran »), a question, a title or a heading. Innocent uses of the same words are left out rule by
-- rule: the badge that opens the union office, the GPS that finds an
-- address, the union's own survey of the canteen.
--
-- Where two kinds overlap, the more specific one wins: a position sent by
-- a wristband is "wearables", not "geolocation"; a time clock that records
-- each arrival is "time_clock", not "activity_tracking"; live counting is
-- "activity_tracking", not "workload_metrics"; customers rating a worker is
-- "satisfaction_surveys", not "workload_metrics".
--
-- Test it: vigie test examples/surveillance/rules/surveillance_test.lua

local sets = {
  -- A set is a vocabulary file (terms/*.txt, one term a line, folded, whole
  -- words), an inline list, or a PCRE pattern { regex = ..., flags = "i" }.
  -- Patterns are accent-exact; "i" ignores case, "m" makes ^ and $ match
  -- at each line.

  -- Who: staff, management, one person at a time ------------------------
  staff = "terms/staff.txt",                   -- agents, salariés, facteurs, soignantes...
  management = "terms/management.txt",         -- direction, chef d'équipe, manager, DRH...
  per_person_words = "terms/per_person_words.txt", -- individuel, nominativement, un par un...
  -- "de chaque", "pour chaque", "chaque conseiller" (not "chaque jour"),
  -- "chacun", and "agent par agent", "guichet par guichet"
  per_person = { flags = "i", regex = [[\b(?:de|pour|à|par) chaque\b|\bchaque (?!(?:jour|jours|semaine|mois|matin|soir|nuit|année|an|fois|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|trimestre|heure|minute)\b)\p{L}|\b(\p{L}+) par \1\b|\bchacune?s?\b|\bpar (?:agent|agente|salarié|salariée|conseiller|conseillère|vendeur|vendeuse|caissier|caissière|guichetier|guichetière|collaborateur|collaboratrice|employé|employée|technicien|technicienne|chauffeur|livreur|livreuse|opérateur|opératrice|préparateur|préparatrice|soignant|soignante)\b]] },
  -- a worker in the sentence: « nos », « leur », « les agents »...
  workers_ref = { flags = "i", regex = [[\b(?:nos|notre|leurs?|ses|son|sa|vos|votre)\s+(?:\p{L}+\s+)?(?:tournées?|interventions?|gestes?|pauses?|appels?|tâches?|journées?|postes?|missions?|visites?|rondes?|courses?|soins?|dossiers?|trajets?|faits et gestes)\b]] },
  -- whose computer: « nos postes », « ses connexions »
  our_machines = { flags = "i", regex = [[\b(?:nos|leurs|ses|son|sa|chaque) (?:postes?|ordinateurs?|écrans?|messageries?|boîtes?|mails?|courriels?|messages?|connexions?|claviers?|navigations?)\b|\bpostes? de travail\b]] },

  -- Verbs shared by several rules ---------------------------------------
  install_verbs = "terms/install_verbs.txt",   -- installé, mis en place, imposé, doit...
  -- « équipé(e)s » (accent-exact: « équipés » and « équipes » fold alike)
  equip_verbs = { flags = "i", regex = [[\béquip(?:er|é|ée|és|ées|ent|era|eront|ant)\b]] },
  record_verbs = "terms/record_verbs.txt",     -- enregistre, transmet, conserve, relève...
  watch_verbs = "terms/watch_verbs.txt",       -- surveille, contrôle, suit, consulte, voit...
  -- logging a worker must do, imposed: « doit être validé », « oblige à cocher »
  must = { flags = "i", regex = [[\b(?:doit|doivent|devra|devront|devons|devez|oblige|obligent|obligé|obligée|obligés|obligées|obligatoire|obligatoires|imposé|imposée|imposés|imposées|impose|il faut|faute de quoi|sous peine)\b]] },

  -- Time clocks ---------------------------------------------------------
  clock_devices = "terms/clock_devices.txt",   -- badgeuse, pointeuse, pointage, badger...
  -- accent-exact « badgé(e)s » (« badge » has the same folded key)
  badged = { flags = "i", regex = [[\bbadgé(?:e|s|es)?\b]] },
  -- fingerprints and faces read at the door
  biometrics = { flags = "i", regex = [[\bempreintes?\s+(?:digitales?|biométriques?)\b|\b(?:à|d[’'])\s?empreintes?\b|\bbiométri\p{L}*|\breconnaissance faciale\b]] },
  badges = "terms/badges.txt",                 -- badge: innocent without attendance words
  attendance = "terms/attendance.txt",         -- heures d'arrivée, retards, horaires...
  -- attendance records with no device named: « relevés individuels d'entrée et de sortie »
  attendance_records = { flags = "i", regex = [[\b(?:relevés?|listes?|rapports?|historiques?)\s+(?:\p{L}+\s+){0,2}?(?:d[’']entrée|d[’']arrivée|des arrivées|des retards|de présence|des heures d[’']arrivée)\b]] },
  -- what a badge does when it is not a time clock
  door_access = { flags = "i", regex = [[\baccès\b|\baccéder\b|\bouvr(?:ir|e|ent)\b|\bcantine\b|\brestauration\b|\brestaurant\b|\brepas\b|\bparking\b|\bmachine à café\b|\blocal\b|\bphotocopieuse\b|\bimprimante\b]] },
  -- « pointer du doigt » is not clocking in
  point_finger = { flags = "i", regex = [[\bpoint(?:er|e|ent|é|ée|és|ées|ant)\s+du\s+doigt\b]] },

  -- Location ------------------------------------------------------------
  location = "terms/location.txt",             -- position, trajets, déplacements, sur une carte...
  strong_location = "terms/strong_location.txt", -- GPS, géolocalisé, localiser, balise, traceur...
  -- « le tracé de sa tournée » (accent-exact: not « à la trace »)
  traces = { flags = "i", regex = [[\btracés?\b]] },
  -- « où se trouve chaque cariste », « dans quelle zone se trouve chacun »
  where_is = { flags = "i", regex = [[\boù (?:se trouve(?:nt)?|est|sont|se situe(?:nt)?|en est) (?:chaque|chacun|chacune|tous|toutes|les|nos|leurs?|son|sa|ses)\b|\bse trouve(?:nt)? (?:chaque|chacun|chacune)\b]] },
  -- a GPS used to find one's way
  navigation = { flags = "i", regex = [[\bGPS de navigation\b|\baide à la navigation\b|\bpour (?:trouver|se rendre|s[’']orienter|guider|aller)\b|\btrouver (?:le|la|les|l[’']|son|leur|votre)\s*(?:lieu|adresse|adresses|salle|chemin|route|client|clients|patient|patients)\b]] },
  -- a stance, not a place: « la position de la direction », « prendre position »
  stance = { flags = "i", regex = [[\bpr(?:endre|end|ennent|is|ise) position\b|\bpositions? (?:de|du|des) (?:la |l[’'])?(?:direction|syndicats?|employeur|CGT|CFDT|FO|SUD|UNSA|CFTC|CFE-CGC|FSU|intersyndicale|élus|section|gouvernement|ministère|ministre|DRH)\b|\b(?:notre|leur|votre|nos|leurs|vos) positions?\b]] },
  -- commuting and travel expenses are not tracking
  travel_costs = { flags = "i", regex = [[\b(?:frais|indemnités?|remboursements?|primes?|temps|durée|heures?|bons?) de (?:déplacements?|trajets?)\b|\btrajets? domicile\b|\ben déplacement\b]] },
  time_norms = { "temps théorique", "temps théoriques", "temps de référence", "temps standard" },

  -- Wearables -----------------------------------------------------------
  wearables = "terms/wearables.txt",           -- bracelet, montre connectée, puce sous-cutanée...
  -- smart things worn: « gant connecté », « lunettes connectées »
  smart_wear = { flags = "i", regex = [[\b(?:gants?|lunettes|ceintures?|chaussures?|casques?|gilets?|vestes?|bracelets?|montres?|bagues?|colliers?|badges?|brassards?|semelles?|patchs?|oreillettes?)\s+(?:connecté|connectée|connectés|connectées|intelligents?|intelligentes?)\b]] },
  -- a watch worn on the wrist (not the verb « il montre »)
  watch = { flags = "i", regex = [[\b(?:la|sa|une|leur|cette|votre|notre|des|les|ces|nos|vos|leurs) montres?\b]] },
  sensors = "terms/sensors.txt",               -- capteur, boîtier, puce: wearable when worn
  worn = "terms/worn.txt",                     -- au poignet, à la ceinture, casque, sur lui...
  -- « porter », « porté(e)s » (accent-exact: « portés » and « portes » fold alike)
  wear_verbs = { flags = "i", regex = [[\bport(?:er|é|ée|és|ées|ent|era|eront|ant)\b|\bporte (?:au|à|sur|un|une|le|son|sa|ses|des|en permanence|toute)\b]] },

  -- Activity tracking ---------------------------------------------------
  realtime = "terms/realtime.txt",             -- en temps réel, en direct, à tout moment...
  tools = "terms/tools.txt",                   -- logiciel, application, tablette, tableau de bord...
  -- a named system: a capitalised word inside a sentence (« l'application
  -- Planidom », « clôturé dans Tempora »), not Mme, M. or Dr
  named_system = { regex = [[(?<=[\p{Ll}\d,;)] )(?!(?:Mme|Mlle|Dr|Me|M)\b)\p{Lu}\p{Ll}[\p{L}+]*]] },
  auto_log = "terms/auto_log.txt",             -- enregistre, horodate, journalise...
  -- measuring or counting what a worker does: « mesure le temps passé »
  measures = { flags = "i", regex = [[\b(?:mesur|comptabilis)(?:e|ent|é|ée|és|ées|er)\s+(?:le|la|les|l[’']|chaque|leur|leurs|son|sa|ses|en continu|tout|toutes|tous)\b|\btemps passé\b]] },
  manual_log = "terms/manual_log.txt",         -- valider, cocher, saisir, clôturer...
  -- idleness detected by software: « toute inactivité de plus de dix minutes »
  idleness = { flags = "i", regex = [[\bscore d[’'](?:engagement|activité|productivité)\b|\b(?:temps d[’'])?inactivité\b|\binacti(?:f|ve|fs|ves)\b|\bactivité du clavier\b|\bmouvements? de (?:la )?souris\b]] },
  -- a score of activity or a report on each worker
  activity_reports = { flags = "i", regex = [[\bscore d[’'](?:engagement|activité)\b|\binactivité\b|\binacti(?:f|ve|fs|ves)\b|\brapports?\b|\btableaux? de bord\b]] },
  -- staff looking at their own data: « vous voyez à tout moment votre solde
  -- de congés », « consulter leurs horaires en temps réel »
  self_service = { flags = "i", regex = [[\b(?:consulter|suivre|voir|vérifier|connaître|consultent|suivent|voient|consultez|suivez|voyez|vérifiez|connaissez)\s+(?:\p{L}+\s+){0,3}?(?:leurs?|votre|vos|son|sa|ses|mon|ma|mes)\s+(?:propres?\s+)?(?:solde|soldes|horaires|planning|plannings|congés|demande|demandes|commande|commandes|droits|données|compteurs?|bulletins?|fiches?|paie|salaire|dossier|dossiers)\b]] },

  -- Internet and mail ---------------------------------------------------
  web_records = "terms/web_records.txt",       -- sites visités, captures d'écran, frappes: records by nature
  internet = "terms/internet.txt",             -- sites consultés, historique de navigation, captures d'écran...
  internet_verbs = "terms/internet_verbs.txt", -- enregistre, conserve, consultables, envoyées...
  mail = "terms/mail.txt",                     -- courriels, messages, boîtes mail...
  read_verbs = "terms/read_verbs.txt",         -- lit, consulter, surveille, épluche...
  -- mail opened or read: « des messages ont été ouverts par la DSI »
  opened = { flags = "i", regex = [[\b(?:été|sont|est|seront|sera|soient|soit)\s+(?:\p{L}+\s+)?(?:ouverte?s?|lue?s?|épluchée?s?|fouillée?s?)\b]] },

  -- Workload metrics ----------------------------------------------------
  metrics = "terms/metrics.txt",               -- cadences, norme, chronométré, productivité, DMT...
  weak_metrics = "terms/weak_metrics.txt",     -- indicateurs, classement, performance, ratio...
  -- « classés », « minutés » (accent-exact: not « classes », « minutes »)
  ranked = { flags = "i", regex = [[\bclassé(?:e|s|es)?\b|\bminuté(?:e|s|es)?\b]] },
  -- individual targets: « objectifs individuels », « un objectif de douze entretiens »
  targets = { flags = "i", regex = [[\bobjectifs? (?:de \d|de (?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|cent)\b|individuels?|chiffrés?|hebdomadaires?|quotidiens?|mensuels?|journaliers?|de production|de productivité)|\bobjectif (?:est passé|a été (?:relevé|augmenté|fixé|porté))]] },
  -- rates and counts: « 160 lignes à l'heure », « lignes/heure », « le nombre de dossiers traités »
  rates = { flags = "i", regex = [[\b(?:par|à l[’'])\s?(?:heure|minute|demi-journée)\b|\b\p{L}+/(?:heure|h|jour)\b|\bnombre d(?:e |[’'])(?:\p{L}+\s+){0,3}?(?:traités|traitées|réalisés|réalisées|livrés|livrées|scannés|scannées|préparés|préparées|préparées|clos|clôturés|reçus|reçues|pris|passés|vendus|vendues|servis|effectués|effectuées)\b]] },
  metric_acts = "terms/metric_acts.txt",       -- fixé, calculé, comparé, affiché, imposé...
  -- staff rated, compared or checked one by one: « noter les agents »,
  -- « comparer les agents entre eux », « seront évalués sur »
  rated_staff = { flags = "i", regex = [[\b(?:noter|évaluer|comparer|classer|contrôler|chronométrer)\s+(?:individuellement\s+)?(?:les|des|nos|ses|leurs|chaque)\s+\p{L}|\b(?:seront|sont|être|été|est|sera|serons|sommes|serez)\s+(?:\p{L}+\s+)?(?:notée?s?|évaluée?s?|comparée?s?|classée?s?|chronométrée?s?)\b]] },
  -- a team target is not an individual metric
  team_target = { flags = "i", regex = [[\bobjectifs? (?:d[’']équipe|collectifs?)\b]] },
  -- the gender-equality index scores the employer, not the staff
  equality_index = { flags = "i", regex = [[\bindex (?:de l[’'])?égalité\b]] },
  -- leisure: a tournament ranking is not a workload metric
  leisure = { flags = "i", regex = [[\b(?:tournois?|concours|compétitions?|championnats?|pétanque|belote|loto|tombola|cross|marathon|colonies?|séjours?|spectacles?|cantine|menus?|repas)\b]] },

  -- Satisfaction surveys ------------------------------------------------
  raters = "terms/raters.txt",                 -- clients, usagers, adhérents, voyageurs...
  survey_instruments = "terms/survey_instruments.txt", -- clients mystères, enquête, NPS, borne...
  ratings = "terms/ratings.txt",               -- note, notes, évaluation, résultats, avis...
  pay_use = "terms/pay_use.txt",               -- prime, part variable, entretien annuel...
  -- the union's own surveys (and the canteen menu, the holiday camp)
  union_survey = { flags = "i", regex = [[\b(?:notre|nos) (?:enquêtes?|questionnaires?|sondages?|consultations?)\b|\bnous avons (?:envoyé|interrogé|sondé|mené|lancé)\b|\bqualité des repas\b]] },

  -- Not a claim (every rule leaves these out) ---------------------------
  -- demands: « Nous demandons que... », « SUD exige », and list items that
  -- open with a demand (« - la fin du pointage », « 1) suspendre... »)
  demand = { flags = "im", regex = [[\b(?:demande|demandent|demandé|demandée|demandés|demander|demandera|demandait|demandaient)\s+(?:que|qu[’']|un|une|des|le|la|les|l[’']|si|notre|nos|votre|vos|quel|quelle|quels|quelles|combien|pourquoi|à quoi)\b|\b(?:demandons|exige|exigent|exigeons|exigé|exiger|revendique|revendiquent|revendiquons|revendiqué|réclame|réclament|réclamons|réclamé|réclamaient|refusons|souhaitons|voulons|proposons)\b|\brefus(?:e|ent) (?:que|qu[’'])|^[^\S\n]*(?:[-•–*]|\d+[).])[^\S\n]*(?:(?:(?:la|le|les|l[’']|un|une|des|du|d[’']|tout|toute|tous|toutes|de|notre|nos)[^\S\n]*)?(?:fin|arrêt|suppression|suppressions|retrait|abandon|désactivation|coupure|annulation|interdiction|exclusion|séparation|sortie|limitation|communication|information|présentation|consultation|accès|droit|retour|maintien|paiement|recrutement|déplacement|réduction|destruction|négociation|ouverture|charte|expertise|bilan|garantie|transparence|respect|effacement|renonciation|levée|gel|revalorisation|création|embauche)\b|(?:que|qu[’']|aucun|aucune|pas de|pas d[’']|non à|stop|plus de)\b|(?!(?:notre|votre|entre|autre|contre|leur)\b)\p{Ll}+(?:er|ir|re)\b)]] },
  -- the law, rights, reminders: « La CNIL... », « ne peut pas servir à »,
  -- « l'employeur doit... », « Rappelons-le : »
  law = { flags = "i", regex = [[\b(?:CNIL|RGPD|code du travail|jurisprudence|la loi|le droit|vos droits|nos droits|légal|légale|légaux|illégal|illégale|illégaux|illégalement|obligation|interdit|interdite|interdits|interdites|proportionné|proportionnée|proportionnalité|disproportionné|disproportionnée|disproportionnés|disproportionnées|secret des correspondances|cour de cassation|prud[’']hommes|inspection du travail)\b|\bne (?:peut|peuvent|pourra|pourront|doit|doivent)\s+(?:pas\s+|plus\s+|qu[’']\s*)?(?:être|servir)\b|\bl[’']employeur (?:doit|ne peut|est tenu)\b|\b(?:doit|doivent) être (?:informée?s?|consultée?s?|présentée?s?)\b|\brappel(?:le|lent|ons|ez)?(?:-le)?\s+(?:que|qu[’'])|\brappel(?:ons)?(?:-le)?\s*:]] },
  -- denials, concessions, metaphors, norms: « Personne ne vous implantera »,
  -- « ne fait aucune capture », « n'a rien contre », « ne doit pas servir »,
  -- « pas un bracelet électronique », a sentence opening on « Aucun »
  denial = { flags = "i", regex = [[\bpersonne ne\b|\bn[’']existen?t? pas\b|\bne (?:\p{L}+\s+){1,2}(?:aucun|aucune|jamais)\b|\bn[’'](?:\p{L}+\s+){1,3}(?:aucun|aucune|jamais)\b|\bne (?:sert|servira|servent|serviront) qu|\bne (?:doit|doivent|devrait|devraient|saurait|sauraient) pas\b|\bne (?:le |la |les )?contest\p{L}* pas\b|\bn[’']a rien contre\b|\bpas contre\b|\bpas (?:à|pour) (?:les )?\p{L}+er\b|\bbracelets? électroniques?\b|\bsurveillance électronique\b|(?-i:\bAucune?\b)]] },
  -- a hypothesis: « Si la direction installait des badgeuses, ... »
  hypothesis = { flags = "i", regex = [[\bsi (?:la|le|l[’']|les|un|une|demain|un jour|jamais|nos|notre|votre|vos|leur|leurs|elle|il|ils|elles|on)\b[^.;:!?]{0,60}?\b\p{L}{3,}(?:ait|aient)\b]] },
  -- advice to the reader: a sentence that opens on an imperative
  -- (« Installez l'application... », « Faites une capture d'écran... »)
  advice = { flags = "m", regex = [[(?:^|(?<=[.!?…] ))[^\S\n]*(?:[-•–*][^\S\n]*)?(?:Ne[^\S\n]+|N[’'])?(?!Chez\b)\p{Lu}\p{Ll}{2,}ez\b]] },
  -- a question, or a question line of a FAQ (« Q : ... »)
  question = { flags = "m", regex = [[\?|^Q\s*:]] },
  -- a title in capitals, or a short heading line with no final punctuation
  headline = { flags = "m", regex = [[\p{Lu}{2,}(?:[ \t\x{A0}\x{202F}’'\-,:]+\p{Lu}+){2,}|^[^\S\n]*(?:\S+[^\S\n]+){0,6}\S*[^\s.!?…:;)]$]] },
  -- a device or practice withdrawn: « la pointeuse a été retirée »
  withdrawn = { flags = "i", regex = [[\b(?:a|ont|avait|avaient) été (?:abandonnée?s?|supprimée?s?|retirée?s?|annulée?s?|suspendue?s?|désactivée?s?|démontée?s?)\b|\b(?:est|sont) (?:abandonnée?s?|supprimée?s?|retirée?s?|annulée?s?|désactivée?s?)\b]] },
}

local function S(name) return { set = name } end      -- a named set
local function any(...) return { any = { ... } } end  -- one of
local function all(...) return { all = { ... } } end  -- all of
local function tags(category) return { "surveillance", "surveillance:" .. category } end

-- Every rule leaves these out; unless(...) adds rule-specific exclusions
-- (set names, or conditions).
local NOT_A_CLAIM = { "demand", "law", "denial", "hypothesis", "advice", "question", "headline", "withdrawn" }
local function unless(...)
  local out = {}
  for _, name in ipairs(NOT_A_CLAIM) do out[#out + 1] = S(name) end
  for _, x in ipairs({ ... }) do out[#out + 1] = type(x) == "string" and S(x) or x end
  return { none = out }
end

-- A sensor that is worn (« un badge qui enregistre leurs déplacements,
-- porté par les soignantes ») makes the claim a wearables one.
local WORN_SENSOR = all(S "sensors", any(S "worn", S "wear_verbs"))

local rules = {
  ---------------------------------------------------------------- time_clock
  -- Catches: a time clock, badge reader or fingerprint reader that records
  -- staff hours (« des badgeuses ont été installées à l'entrée de chaque
  -- office », « chaque pause relevée par la pointeuse donne lieu à un
  -- rappel à l'ordre »), and individual attendance records handed to
  -- management (« les chefs auront accès aux relevés individuels
  -- d'entrée et de sortie »).
  -- Must not catch: a badge that opens a door, pays for lunch or opens the
  -- union office; a clock-in that only dates a GPS position (geolocation).
  {
    id = "time_clock",
    label = "time clock or badge reader used to check staff hours",
    score = 2,
    tags = tags("time_clock"),
    within = "sentence",
    all = {
      any(
        -- a time clock, with someone or something it acts on
        all(any(S "clock_devices", S "badged", S "biometrics"),
            any(S "staff", S "management", S "install_verbs", S "equip_verbs", S "record_verbs",
                S "watch_verbs", S "attendance", S "per_person", S "per_person_words")),
        -- a plain badge, read for arrivals, departures, lateness
        all(S "badges", S "attendance", { none = { S "door_access" } }),
        -- individual attendance records, no device named
        all(S "attendance_records", any(S "management", S "per_person", S "per_person_words"))
      ),
      unless("location", "point_finger"),
    },
  },

  ---------------------------------------------------------------- geolocation
  -- Catches: management knowing where each worker is, live or after the
  -- fact (« le PC régulation suit chaque bus par GPS », « un historique des
  -- déplacements de chaque agent conservé un an », « la direction saura à
  -- tout moment où se trouve chaque cariste »).
  -- Must not catch: a GPS to find an address; a position sent by a
  -- wristband or watch (wearables); GPS data turned into a time norm
  -- (workload_metrics); the law on geolocation.
  {
    id = "geolocation",
    label = "staff located or tracked (GPS, beacons, phone positions)",
    score = 3,
    tags = tags("geolocation"),
    within = "sentence",
    all = {
      any(
        -- a position, a track, a map, watched or recorded
        all(any(S "location", S "strong_location", S "traces", S "where_is"),
            any(S "record_verbs", S "watch_verbs", S "realtime", S "where_is")),
        -- a GPS, a beacon, « géolocalisés », about staff
        all(S "strong_location", any(S "staff", S "per_person"))
      ),
      unless("wearables", "watch", "smart_wear", "navigation", "time_norms", "stance",
             "travel_costs", WORN_SENSOR),
    },
  },

  ---------------------------------------------------------- activity_tracking
  -- Catches: software that logs or shows live what each worker does
  -- (« la cadre de santé peut suivre l'avancement de chaque soignante en
  -- direct », « Nautile enregistre pour chaque agent chaque pièce
  -- ouverte », « chaque entretien doit être clôturé dans Tempora »,
  -- « les managers reçoivent un rapport qui donne pour chaque membre de
  -- l'équipe un score d'engagement »).
  -- Must not catch: an app to book holidays or follow an order; the same
  -- facts when the means is a position (geolocation), a time clock, a
  -- wearable, a web history (internet_monitoring) or a customer survey.
  {
    id = "activity_tracking",
    label = "software logging or showing live what each worker does",
    score = 2,
    tags = tags("activity_tracking"),
    within = "sentence",
    all = {
      any(
        -- live: « suivre en temps réel le statut de chacun », « le chef voit en
        -- direct qui est en pause »
        all(S "realtime", any(S "watch_verbs", S "record_verbs", S "management"),
            any(S "management", S "per_person", S "per_person_words")),
        -- logged by the tool itself: « Nautile enregistre pour chaque agent
        -- chaque pièce ouverte », « horodate chaque toilette »
        all(any(S "auto_log", S "measures"), S "per_person", any(S "tools", S "named_system", S "management"),
            any(S "staff", S "management", S "per_person_words", S "must", S "workers_ref")),
        -- logged by the worker, imposed: « chaque soin doit être validé sur
        -- une tablette », « oblige à cocher chaque tâche »
        all(S "manual_log", S "per_person", S "must", any(S "tools", S "named_system", S "management")),
        -- idleness spotted by a tool, or reported to management
        all(S "idleness", any(S "management", S "tools", S "named_system"),
            any(S "record_verbs", S "watch_verbs", S "auto_log", S "measures")),
        -- reported: a report or an activity score on each worker, to management
        all(S "activity_reports", any(S "per_person", S "per_person_words"), S "management",
            { none = { S "metrics", S "weak_metrics", S "targets", S "rates" } })
      ),
      unless("self_service", "location", "strong_location", "traces", "where_is", "wearables", "watch", "smart_wear", WORN_SENSOR, "clock_devices", "badges",
             "biometrics", "internet", "survey_instruments"),
    },
  },

  -------------------------------------------------------- internet_monitoring
  -- Catches: web history, screenshots, keystrokes or mailboxes recorded or
  -- opened by management (« le pare-feu enregistre, pour chaque agent, les
  -- adresses des sites visités », « des messages ont été ouverts par la
  -- DSI »).
  -- Must not catch: blocking dangerous sites; a manager's answer sent by
  -- e-mail; a screenshot the union advises you to take; the law on the
  -- secrecy of correspondence.
  {
    id = "internet_monitoring",
    label = "internet use, screens or mail of staff recorded or read",
    score = 3,
    tags = tags("internet_monitoring"),
    within = "sentence",
    all = {
      any(
        -- a web history, screenshots, keystrokes, recorded: a claim by itself
        all(S "web_records", S "record_verbs"),
        -- other traces of computer use, or mail, read or kept, about someone
        all(any(all(S "internet", any(S "internet_verbs", S "read_verbs", S "opened")),
                all(S "mail", any(S "read_verbs", S "opened"))),
            any(S "staff", S "management", S "per_person", S "per_person_words", S "our_machines"))
      ),
      unless(),
    },
  },

  ---------------------------------------------------------------- wearables
  -- Catches: a device worn on or implanted in the body that records or
  -- reports (« une montre connectée que chaque livreur doit porter au
  -- poignet », « le bracelet enregistre chaque prélèvement », « se faire
  -- implanter une puce sous-cutanée »).
  -- Must not catch: « pas un bracelet électronique » (metaphor); the FAQ
  -- question « Le bracelet enregistre-t-il nos mouvements ? »; a denial
  -- (« Personne ne vous implantera de puce »); a chip on a bin.
  {
    id = "wearables",
    label = "wearable or implanted device tracking staff",
    score = 3,
    tags = tags("wearables"),
    within = "sentence",
    all = {
      any(S "wearables", S "smart_wear", S "watch", WORN_SENSOR),
      any(S "record_verbs", S "watch_verbs", S "install_verbs", S "equip_verbs", S "worn",
          S "wear_verbs", S "staff", S "realtime"),
      unless(),
    },
  },

  ----------------------------------------------------------- workload_metrics
  -- Catches: individual rates, norms, timings, rankings and targets used on
  -- staff (« a chronométré chaque geste pour fixer une norme de 160 lignes
  -- à l'heure », « la DMT est calculée pour chaque conseiller », « l'objectif
  -- est passé de 14 à 17 colis livrés par heure »).
  -- Must not catch: the company's economic indicators, the gender-equality
  -- index, live counting (activity_tracking), ratings given by customers
  -- (satisfaction_surveys), a demand to stop targets.
  {
    id = "workload_metrics",
    label = "individual workload metrics, norms or rankings imposed on staff",
    score = 2,
    tags = tags("workload_metrics"),
    within = "sentence",
    all = {
      any(
        -- a norm, a cadence, a timing, on staff, by management
        all(S "metrics", S "metric_acts", any(S "per_person", S "per_person_words", S "management", S "staff")),
        -- staff graded or compared: « seront évalués sur », « noter les agents »
        all(S "rated_staff", any(S "per_person", S "per_person_words", S "management", S "staff")),
        -- a count or a rate per worker, not shown live (live is activity_tracking)
        all(S "rates", S "metric_acts", any(S "per_person", S "per_person_words", S "management", S "staff"),
            { none = { S "realtime" } }),
        -- rankings, indicators, targets: only about individuals
        all(any(S "weak_metrics", S "ranked", S "targets"), any(S "per_person", S "per_person_words", S "staff"))
      ),
      unless("raters", "survey_instruments", "equality_index", "team_target", "leisure",
             "clock_devices", "badged", "biometrics"),
    },
  },

  ------------------------------------------------------- satisfaction_surveys
  -- Catches: customers, users or mystery shoppers asked to rate a named
  -- worker, and those ratings used on staff (« un SMS lui demande de noter
  -- le conseiller », « des clients mystères qui notent le sourire de chaque
  -- caissière », « les NPS individuels servent de base à la part
  -- variable »).
  -- Must not catch: the union's own survey, a holiday questionnaire, the
  -- quality of canteen meals, « une enquête de satisfaction sert à
  -- améliorer un service ».
  {
    id = "satisfaction_surveys",
    label = "customer ratings or mystery shoppers used to judge staff",
    score = 2,
    tags = tags("satisfaction_surveys"),
    within = "sentence",
    all = {
      any(
        -- the public asked to rate, and a worker or a use in pay
        all(any(S "raters", S "survey_instruments"), S "ratings",
            any(S "staff", S "per_person", S "per_person_words", S "pay_use")),
        -- a survey or a mystery visit that ends in a sanction or a bonus
        all(S "survey_instruments", S "pay_use", any(S "staff", S "per_person", S "per_person_words")),
        -- survey returns sorted worker by worker for management
        all(S "survey_instruments", any(S "per_person", S "per_person_words"), S "management")
      ),
      unless("union_survey", "leisure"),
    },
  },
}

return { sets = sets, rules = rules }
