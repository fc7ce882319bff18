-- Tests of the surveillance rule pack, on sentences written for these tests
-- (none is copied from corpus/). Run:
--   vigie test examples/surveillance/rules/surveillance_test.lua
-- Each case lists the rules expected, in text order; flags = {} means the
-- text must get no flag at all.
local t = vigie.test("flag_rules", { rules = "surveillance.lua" })

local function yes(name, text, flags)
  local tags = { "surveillance" }
  local seen = {}
  for _, f in ipairs(flags) do
    if not seen[f] then seen[f] = true; tags[#tags + 1] = "surveillance:" .. f end
  end
  table.sort(tags)
  t:case(name, { text = text, flags = flags, tags = tags })
end
local function no(name, text) t:case(name, { text = text, flags = {}, tags = {} }) end

---------------------------------------------------------------- time_clock
yes("clocking in with a badge at the depot",
  "Depuis lundi, les agents de la voirie doivent badger à chaque prise de poste sur la borne installée au dépôt.",
  { "time_clock" })
yes("a time clock that lists lateness",
  "La nouvelle pointeuse du magasin enregistre nos arrivées et nos départs, et le responsable reçoit la liste des retards chaque soir.",
  { "time_clock" })
yes("fingerprint clocking imposed",
  "Le pointage par empreinte digitale a été imposé aux ouvriers de l'atelier en mars.",
  { "time_clock" })
yes("badge records read for hours",
  "Les badges des infirmières servent désormais à calculer leurs heures d’arrivée et de départ.",
  { "time_clock" })
yes("face recognition at the gate",
  "À l’entrée du site, une borne à reconnaissance faciale enregistre l’heure de passage de chaque intérimaire.",
  { "time_clock" })
no("a car-park badge", "Le badge d’accès au parking est à retirer à l’accueil du bâtiment C.")
no("a canteen badge", "Votre badge de cantine se recharge désormais en ligne, même le week-end.")
no("a demand to remove time clocks", "Nous exigeons le retrait immédiat des badgeuses installées aux urgences.")
no("a demand in a list", "- la suppression de la pointeuse biométrique et la destruction des empreintes")
no("the law on biometrics", "Rappel : la CNIL encadre strictement les pointeuses biométriques des salariés.")
no("pointing a finger is not clocking in",
  "Pointer du doigt les collègues en arrêt maladie n’est pas digne d’un encadrant.")

---------------------------------------------------------------- geolocation
yes("a van that reports its GPS position",
  "Les techniciens itinérants ont découvert que leur véhicule de service transmet sa position GPS toutes les trente secondes au siège.",
  { "geolocation" })
yes("knowing where each worker is",
  "Grâce à l’application Mobilo, le chef de secteur voit en permanence où se trouvent les agents de propreté.",
  { "geolocation" })
yes("a sanction based on a phone's location history",
  "Un collègue a été sanctionné après que la direction a consulté l’historique de géolocalisation de son téléphone professionnel.",
  { "geolocation" })
yes("indoor beacons locate each storekeeper",
  "Les balises posées dans les ateliers permettent de localiser chaque magasinier à deux mètres près.",
  { "geolocation" })
no("a GPS to find addresses",
  "Le GPS du véhicule aide les aides à domicile à trouver les adresses dans les hameaux.")
no("the law on geolocation",
  "La géolocalisation d’un véhicule ne peut pas servir à contrôler la durée du travail.")
no("a stance, not a position", "La position de la direction sur les salaires reste inchangée.")
no("the office has moved", "Notre local a changé de position : il est désormais au deuxième étage.")

---------------------------------------------------------- activity_tracking
yes("software timestamps each job",
  "Le logiciel Chronotâche horodate chaque intervention des techniciens, et le chef d’atelier épluche ces données chaque soir.",
  { "activity_tracking" })
yes("a supervisor watching statuses live",
  "Sur le plateau, la superviseuse voit en temps réel qui est en pause, en appel ou en attente.",
  { "activity_tracking" })
yes("each scan shown at once to the foreman",
  "Chaque colis scanné par un préparateur remonte instantanément sur l’écran du chef de quai.",
  { "activity_tracking" })
yes("logging each loan in a named tool",
  "Les agents de la médiathèque doivent désormais saisir chaque prêt et chaque renseignement dans Biblio+.",
  { "activity_tracking" })
yes("an individual activity report",
  "Le directeur reçoit chaque vendredi un rapport individuel sur l’activité de chaque assistante.",
  { "activity_tracking" })
no("following one's own request", "Avec la nouvelle application, vous pouvez suivre en temps réel l’état de votre demande de mutation.")
no("a member validating a registration", "Chaque adhérent peut valider son inscription sur la plateforme du syndicat.")
no("a demand against live tracking", "Nous demandons la fin du suivi en temps réel des agents.")
no("payroll software", "Le logiciel de paie enregistre chaque mois les heures supplémentaires.")

-------------------------------------------------------- internet_monitoring
yes("a list of sites visited handed to the boss",
  "Le service informatique a remis au directeur la liste des sites internet consultés par chaque agent du service urbanisme.",
  { "internet_monitoring" })
yes("a spy program logging keystrokes",
  "Un logiciel espion installé sur nos postes enregistre toutes les frappes au clavier.",
  { "internet_monitoring" })
yes("management reading mail",
  "La DSI lit les courriels des délégués syndicaux depuis le mois de juin.",
  { "internet_monitoring" })
yes("screenshots for the head of department",
  "Toutes les dix minutes, l’outil réalise une capture d’écran que le chef de service peut consulter.",
  { "internet_monitoring" })
yes("mailbox opened while away",
  "Pendant son congé, la boîte mail de notre collègue a été ouverte par son responsable.",
  { "internet_monitoring" })
no("filtering dangerous sites", "Le filtrage des sites de jeux en ligne protège le réseau de l’hôpital.")
no("an invitation by e-mail", "La direction a ouvert la négociation sur le télétravail par un courriel à tous les salariés.")
no("the law on personal messages",
  "Les messages identifiés comme personnels ne peuvent être ouverts qu’en présence du salarié.")
no("advice to keep a screenshot", "Faites une capture d’écran de votre demande de congé et gardez-la.")

---------------------------------------------------------------- wearables
yes("a connected glove",
  "Les magasiniers portent désormais un gant connecté qui mesure chaque geste et transmet les données au chef de quai.",
  { "wearables" })
yes("a box worn on the belt",
  "Chaque aide-soignante de nuit porte à la ceinture un boîtier qui signale ses temps d’immobilité à l’infirmière de garde.",
  { "wearables" })
yes("a vibrating wristband that records breaks",
  "La direction veut imposer aux caristes un bracelet qui vibre et enregistre leurs pauses.",
  { "wearables" })
yes("a watch couriers must wear",
  "Depuis mars, les livreurs doivent porter une montre qui compte leurs pas et leurs arrêts.",
  { "wearables" })
yes("an implanted chip",
  "Le projet pilote prévoit de glisser une puce RFID sous la peau des volontaires.",
  { "wearables" })
no("a metaphor", "Le télétravail ne doit pas devenir un bracelet électronique.")
no("a denial", "La direction nous assure que personne ne portera de bracelet connecté.")
no("a chip on a bin", "Une puce collée sur chaque conteneur enregistre les levées.")
no("a question", "Le bracelet connecté enregistre-t-il nos pauses ?")
no("a safety vest", "Le nouveau gilet de sécurité fluorescent est obligatoire sur les quais.")
no("a factory, not an implant", "Le groupe veut implanter une nouvelle usine près de Lyon et embaucher deux cents salariés.")

----------------------------------------------------------- workload_metrics
yes("a rate imposed on sorting staff",
  "Le service méthodes impose aux agents de tri une cadence de 1 200 plis à l’heure.",
  { "workload_metrics" })
yes("a monthly ranking",
  "Chaque mois, la direction affiche le classement des vendeurs selon leur chiffre d’affaires.",
  { "workload_metrics" })
yes("graded on analyses per hour",
  "Les techniciennes de laboratoire sont désormais évaluées sur le nombre d’analyses réalisées par heure.",
  { "workload_metrics" })
yes("a standard time per office",
  "Un temps standard de sept minutes par bureau a été fixé pour chaque agent d’entretien.",
  { "workload_metrics" })
yes("individual productivity posted",
  "La productivité individuelle des caissiers est affichée chaque semaine en salle de pause.",
  { "workload_metrics" })
no("the group's accounts", "Les indicateurs financiers du groupe sont excellents cette année.")
no("a demand against targets", "Nous exigeons la suppression des objectifs individuels.")
no("the gender-equality index",
  "L’index de l’égalité professionnelle de l’entreprise est de 84 sur 100, calculé à partir de cinq indicateurs.")
no("a team target", "Avant, nous avions un objectif d’équipe et un chef qui connaissait le terrain.")
no("cadences that were dropped",
  "Les cadences de 2019 ont été abandonnées grâce à la grève des préparateurs.")

------------------------------------------------------- satisfaction_surveys
yes("patients asked to rate a nurse",
  "Après chaque visite, le patient reçoit un questionnaire qui lui demande de noter l’infirmière à domicile.",
  { "satisfaction_surveys" })
yes("mystery shoppers grading each saleswoman",
  "Des acheteurs mystères envoyés par un cabinet évaluent l’accueil de chaque vendeuse.",
  { "satisfaction_surveys" })
yes("travellers' reviews weigh on the bonus",
  "Les avis laissés par les voyageurs sur l’application sont transmis au chef de bord et pèsent sur la prime.",
  { "satisfaction_surveys" })
yes("a barometer broken down by agent",
  "Les résultats du baromètre de satisfaction des usagers sont désormais déclinés agent par agent.",
  { "satisfaction_surveys" })
yes("the NPS in the bonus",
  "Le NPS de chaque conseillère entre dans le calcul de sa prime.",
  { "satisfaction_surveys" })
no("the union's own survey", "Merci d’avoir répondu à notre enquête de satisfaction sur la mutuelle.")
no("what a survey is for",
  "Une enquête de satisfaction sert à améliorer le service, pas à noter les agents.")
no("unhappy customers", "Les clients mécontents de la hausse des tarifs peuvent écrire au service réclamations.")
no("a demand about mystery shoppers",
  "Nous demandons que les notes des clients mystères ne servent plus à évaluer les caissières.")

---------------------------------------------------------------- whole texts
yes("two claims in two sentences, in text order",
  "Le camion transmet sa position au chef d’exploitation toutes les minutes. Une pointeuse à l’entrée du dépôt relève l’heure d’arrivée de chaque ripeur.",
  { "geolocation", "time_clock" })
yes("one sentence, two kinds",
  "Chaque soir, le responsable reçoit l’historique des positions GPS de chaque livreur et le classement des tournées selon le nombre de colis livrés par heure.",
  { "geolocation", "workload_metrics" })
no("a tract with no claim",
  "ÉLECTIONS DU CSE\nLe 12 mars, votez pour des élus qui restent sur le terrain. Le badge d’accès au local syndical est à demander à l’accueil. Tapez « salle des fêtes » dans le GPS pour trouver le lieu de la réunion.")

---------------------------------------------------- more sentences, mixed
-- Written as blind checks while tuning (each batch before the fixes it
-- called for), kept as regression tests. m* and para* hold several claims.
yes("batch 1 tc1", "Les animateurs du centre de loisirs pointent matin et soir sur une tablette, et la coordinatrice reçoit chaque semaine le total de leurs retards.",
  { "time_clock" })
yes("batch 1 tc2", "La mairie a mis en place des badgeuses dans toutes les écoles pour contrôler les horaires des ATSEM.",
  { "time_clock" })
yes("batch 1 tc3", "Un avertissement a été adressé à trois collègues sur la base de leurs relevés de pointage.",
  { "time_clock" })
yes("batch 1 tc4", "Désormais, chaque sortie pour fumer doit être badgée, et le temps est décompté de la paie.",
  { "time_clock" })
yes("batch 1 geo1", "La flotte de scooters des aides à domicile est équipée de traceurs GPS consultables par la responsable de secteur.",
  { "geolocation" })
yes("batch 1 geo2", "Le téléphone de service signale à la direction chaque sortie de la zone d’intervention.",
  { "geolocation" })
yes("batch 1 geo3", "Sur la carte affichée au bureau, le contremaître suit la progression des camions de chaque équipe en direct.",
  { "geolocation" })
yes("batch 1 geo4", "Les vigiles sont géolocalisés pendant toute leur ronde, y compris pendant leur pause.",
  { "geolocation" })
yes("batch 1 act1", "L’outil Opti-Tâches mesure le temps passé par chaque agent sur chaque dossier et le transmet au chef de bureau.",
  { "activity_tracking" })
yes("batch 1 act2", "Chaque appel, chaque pause et chaque saisie des téléconseillers sont horodatés par le logiciel Voxa.",
  { "activity_tracking" })
yes("batch 1 act3", "Les cadres peuvent voir en direct sur leur écran l’état de chaque poste de travail de l’open space.",
  { "activity_tracking" })
yes("batch 1 act4", "Les gardiens doivent valider chaque passage dans les cages d’escalier sur leur smartphone, faute de quoi la ronde n’est pas comptée.",
  { "activity_tracking" })
yes("batch 1 int1", "La direction a fait installer un logiciel qui relève les sites consultés par chaque salarié pendant ses heures de travail.",
  { "internet_monitoring" })
yes("batch 1 int2", "Depuis janvier, tous nos courriels professionnels sont archivés et analysés par un prestataire pour le compte de la DRH.",
  { "internet_monitoring" })
yes("batch 1 int3", "Le responsable informatique a reconnu surveiller les connexions des agents aux réseaux sociaux.",
  { "internet_monitoring" })
yes("batch 1 int4", "Des copies d’écran des postes des comptables sont envoyées chaque heure à la directrice financière.",
  { "internet_monitoring" })
yes("batch 1 wear1", "Les agents de sécurité devront porter une caméra-piéton qui filme en continu et dont les images sont visionnées par le chef de poste.",
  { "wearables" })
yes("batch 1 wear2", "Le casque de chaque opérateur est équipé d’un capteur qui mesure sa fatigue et alerte le chef d’équipe.",
  { "wearables" })
yes("batch 1 wear3", "Chaque cueilleur reçoit une bague électronique qui compte les cagettes remplies.",
  { "wearables" })
yes("batch 1 wear4", "Les soignantes de l’unité Alzheimer portent un badge qui enregistre leurs déplacements dans le service.",
  { "wearables" })
yes("batch 1 wl1", "Le taux de rendement de chaque opératrice est calculé chaque jour et comparé à la moyenne de la ligne.",
  { "workload_metrics" })
yes("batch 1 wl2", "La direction a fixé un quota de 45 appels par jour pour chaque conseiller.",
  { "workload_metrics" })
yes("batch 1 wl3", "Les ripeurs qui ne respectent pas le temps théorique de collecte sont convoqués par le chef de dépôt.",
  { "workload_metrics" })
yes("batch 1 wl4", "Un palmarès des vendeurs les plus rapides est affiché chaque lundi à l’entrée du magasin.",
  { "workload_metrics" })
yes("batch 1 sat1", "Un lien envoyé aux familles leur demande d’évaluer l’animatrice qui a accueilli leur enfant.",
  { "satisfaction_surveys" })
yes("batch 1 sat2", "Les notes données par les passagers sur l’application de VTC entraînent la désactivation du compte du chauffeur.",
  { "satisfaction_surveys" })
yes("batch 1 sat3", "Chaque guichetier voit sa note de satisfaction usagers affichée dans le hall.",
  { "satisfaction_surveys" })
yes("batch 1 sat4", "Des visiteurs mystères ont rédigé un rapport sur chaque hôtesse de caisse, transmis au directeur du magasin.",
  { "satisfaction_surveys" })
no("batch 1 n1", "Le pointage des votes aura lieu à 18 h dans la salle du conseil.")
no("batch 1 n2", "Les badges des élus du CSE leur permettent d’accéder à toutes les salles de réunion.")
no("batch 1 n3", "La position de la CGT est claire : pas de travail le dimanche.")
no("batch 1 n4", "Le GPS de la camionnette est en panne depuis trois semaines, la direction ne le répare pas.")
no("batch 1 n5", "Le logiciel de planning permet aux agents de consulter leurs horaires en temps réel.")
no("batch 1 n6", "Nous avons reçu vos messages de soutien : merci à toutes et à tous.")
no("batch 1 n7", "La montre offerte aux retraités par le comité d’entreprise est arrivée.")
no("batch 1 n8", "Le taux de participation aux élections a atteint 62 %, un record.")
no("batch 1 n9", "Les clients du restaurant d’entreprise peuvent noter les menus sur une borne.")
no("batch 1 n10", "Le syndicat a organisé un sondage auprès des salariés sur le télétravail.")
no("batch 1 n11", "Le chronométrage des épreuves du cross interentreprises sera assuré par les élus.")
no("batch 1 n12", "La direction nous a remis les indicateurs du bilan social : effectifs, absentéisme, accidents.")
no("batch 1 n13", "Si la direction installait des badgeuses, nous saisirions immédiatement l’inspection du travail.")
no("batch 1 n14", "Dans d’autres entreprises, des salariés ont accepté qu’on leur implante une puce : pas chez nous.")
no("batch 1 n15", "La caméra de surveillance du parking a été réparée après les vols de vélos.")
no("batch 1 n16", "Pour la manifestation, suivez le cortège en direct sur notre compte Twitter.")
yes("batch 2 tc5", "Au centre de tri, la pointeuse à reconnaissance de la main a remplacé les cartes, et chaque minute de retard est retenue sur le salaire.",
  { "time_clock" })
yes("batch 2 tc6", "Les surveillants de cantine doivent désormais biper leur carte à l’arrivée et au départ, sous l’œil du gestionnaire.",
  { "time_clock" })
yes("batch 2 tc7", "On nous impose le badgeage à chaque pause cigarette, et les chefs de rayon reçoivent le décompte chaque semaine.",
  { "time_clock" })
yes("batch 2 tc8", "L’horloge pointeuse de l’atelier transmet directement les horaires de chacun au service paie.",
  { "time_clock" })
yes("batch 2 geo5", "Depuis l’installation du boîtier télématique, le siège connaît en temps réel la position de chaque camion et de son chauffeur.",
  { "geolocation" })
yes("batch 2 geo6", "Le chef d’agence a reproché à Karim un arrêt de vingt minutes, relevé par le traceur de son véhicule.",
  { "geolocation" })
yes("batch 2 geo7", "Les employés communaux en tournée sont suivis à la trace grâce au GPS de leur tablette.",
  { "geolocation" })
yes("batch 2 geo8", "L’application installée sur nos téléphones transmet nos déplacements même le week-end.",
  { "geolocation" })
yes("batch 2 act5", "Le CRM enregistre chaque appel sortant de chaque commercial et le directeur commercial en fait la revue tous les lundis.",
  { "activity_tracking" })
yes("batch 2 act6", "Un voyant rouge s’allume sur l’écran du superviseur dès qu’un téléconseiller dépasse trois minutes de pause.",
  { "activity_tracking" })
yes("batch 2 act7", "Les facteurs doivent flasher chaque boîte aux lettres avec leur terminal, ce qui permet au chef d’équipe de suivre leur tournée en direct.",
  { "activity_tracking" })
yes("batch 2 act8", "Le logiciel Tempo+ trace chaque connexion des télétravailleurs et signale au manager les périodes d’inactivité.",
  { "activity_tracking" })
yes("batch 2 int5", "La direction a reconnu avoir fait analyser par un cabinet les courriels échangés par les élus du CSE.",
  { "internet_monitoring" })
yes("batch 2 int6", "Chaque site consulté depuis nos ordinateurs est enregistré nominativement par le proxy de l’entreprise.",
  { "internet_monitoring" })
yes("batch 2 int7", "Le nouveau logiciel enregistre les frappes au clavier de chaque agent de la plateforme téléphonique.",
  { "internet_monitoring" })
yes("batch 2 int8", "La responsable RH a produit en entretien disciplinaire la liste des pages web visitées par notre collègue.",
  { "internet_monitoring" })
yes("batch 2 wear5", "Les préparatrices portent à l’avant-bras un terminal qui mesure leur vitesse de prélèvement.",
  { "wearables" })
yes("batch 2 wear6", "À partir de janvier, chaque ouvrier de la fonderie portera un capteur de mouvement fixé sur son casque.",
  { "wearables" })
yes("batch 2 wear7", "La direction teste des lunettes connectées qui filment ce que voit le technicien et l’envoient au chef de plateau.",
  { "wearables" })
yes("batch 2 wear8", "Les bracelets distribués aux manutentionnaires enregistrent chaque geste et chaque pause.",
  { "wearables" })
yes("batch 2 wl5", "Le nombre de dossiers clôturés par chaque instructeur est comparé chaque mois à une norme fixée par la direction.",
  { "workload_metrics" })
yes("batch 2 wl6", "Les aides-soignantes ont désormais 8 minutes chrono pour une toilette, fixées par le cabinet de conseil.",
  { "workload_metrics" })
yes("batch 2 wl8", "Le ratio d’appels traités par heure de chaque conseiller figure sur son entretien annuel.",
  { "workload_metrics" })
yes("batch 2 sat5", "Les hôtes de caisse sont notés par les clients sur une tablette à la sortie du magasin.",
  { "satisfaction_surveys" })
yes("batch 2 sat6", "Un client mystère passe chaque mois dans chaque agence et son rapport compte dans la prime des conseillers.",
  { "satisfaction_surveys" })
yes("batch 2 sat7", "Les étoiles laissées par les usagers de l’appli sont affichées à côté du nom de chaque chauffeur.",
  { "satisfaction_surveys" })
yes("batch 2 sat8", "Les résultats de l’enquête de satisfaction sont désormais communiqués nominativement à chaque chef de service.",
  { "satisfaction_surveys" })
yes("batch 2 m1", "Non seulement chaque livreur est géolocalisé en continu, mais il doit en plus tenir une cadence de 20 colis par heure.",
  { "geolocation", "workload_metrics" })
yes("batch 2 m2", "Une pointeuse a été installée à l’entrée du dépôt. Les chauffeurs portent une montre connectée qui enregistre leurs pauses.",
  { "time_clock", "wearables" })
no("batch 2 x1", "Le pointage des bulletins de vote sera fait par les assesseurs.")
no("batch 2 x2", "Les chauffeurs ont obtenu une prime de trajet de 3 euros par jour.")
no("batch 2 x3", "Notre position n’a pas changé : les données de géolocalisation doivent rester anonymes.")
no("batch 2 x4", "L’application de covoiturage du CSE permet de localiser les voitures disponibles sur le parking.")
no("batch 2 x5", "Les badges des visiteurs doivent être rendus à l’accueil en fin de journée.")
no("batch 2 x6", "La formation « gestes et postures » aide les préparateurs à limiter les TMS liés aux cadences.")
no("batch 2 x7", "Nous dénonçons des cadences infernales : 160 lignes à l’heure, c’est inhumain !")
no("batch 2 x8", "Le classement du tournoi de pétanque des agents sera affiché au self.")
no("batch 2 x9", "La note de service du 3 mars rappelle que les agents doivent porter leurs équipements de protection.")
no("batch 2 x10", "Les enfants ont noté les repas de la cantine : 8 sur 10 pour les lasagnes !")
no("batch 2 x11", "Les courriels envoyés par la direction aux agents seront désormais signés par le DGS.")
no("batch 2 x12", "La CGT a obtenu que les données du bracelet ne soient jamais utilisées pour sanctionner.")
no("batch 2 x13", "Le logiciel de gestion des stocks enregistre chaque palette entrée en magasin.")
no("batch 2 x14", "La montre connectée offerte par la mutuelle compte vos pas : une belle idée santé !")
no("batch 2 x15", "Le questionnaire de satisfaction du CE sur les colonies de vacances est arrivé dans vos boîtes aux lettres.")
no("batch 2 x16", "Les résultats des élections professionnelles seront affichés dans chaque service.")
no("batch 2 x17", "Vous pouvez suivre en direct les négociations sur le site du syndicat.")
no("batch 2 x18", "Le directeur a présenté les performances commerciales de l’agence : chiffre d’affaires en hausse de 4 %.")
yes("batch 3 p1", "À la plateforme, chaque passage au portique est enregistré et les retards sont transmis automatiquement au chef d’équipe.",
  { "time_clock" })
yes("batch 3 p2", "La direction de l’Ehpad a installé un lecteur de badges à la porte du vestiaire pour relever l’heure d’arrivée des soignantes.",
  { "time_clock" })
yes("batch 3 p3", "Nos camions de livraison sont tous équipés d’un mouchard GPS que le responsable d’exploitation consulte chaque matin.",
  { "geolocation" })
yes("batch 3 p4", "Pendant l’astreinte, le téléphone d’astreinte envoie la localisation du technicien au cadre de permanence toutes les cinq minutes.",
  { "geolocation" })
yes("batch 3 p5", "La régulation sait exactement où sont nos ambulanciers à chaque instant.",
  { "geolocation" })
yes("batch 3 p6", "Avec Qualipro, chaque dossier traité est horodaté et le chef de service voit qui a traité quoi, et en combien de temps.",
  { "activity_tracking" })
yes("batch 3 p7", "Les agents d’entretien doivent scanner un QR code dans chaque salle nettoyée, et leur responsable reçoit le détail de leur journée.",
  { "activity_tracking" })
yes("batch 3 p8", "Le manager peut consulter à tout moment le statut de chaque télétravailleur : connecté, absent, en réunion.",
  { "activity_tracking" })
yes("batch 3 p9", "La DSI conserve pendant un an les journaux de connexion de chaque salarié et les transmet à la direction à sa demande.",
  { "internet_monitoring" })
yes("batch 3 p10", "Un prestataire lit les messages Teams des salariés pour le compte de la direction.",
  { "internet_monitoring" })
yes("batch 3 p11", "Le logiciel installé cet été fait des captures d’écran aléatoires et les envoie au responsable de chaque équipe.",
  { "internet_monitoring" })
yes("batch 3 p12", "Les salariés de la logistique porteront dès mars une ceinture connectée qui mesure chaque flexion du dos.",
  { "wearables" })
yes("batch 3 p13", "Chaque agent de quai doit garder sur lui un boîtier qui enregistre ses mouvements et ses temps d’arrêt.",
  { "wearables" })
yes("batch 3 p14", "Le bracelet remis aux caristes signale au chef chaque pause de plus de trois minutes.",
  { "wearables" })
yes("batch 3 p15", "Le service méthodes a minuté chaque opération et impose désormais 11 minutes par véhicule contrôlé.",
  { "workload_metrics" })
yes("batch 3 p16", "Les agents dont la productivité est inférieure à 90 % de la moyenne sont convoqués par leur supérieur.",
  { "workload_metrics" })
yes("batch 3 p17", "Le temps moyen de traitement de chaque conseiller est affiché sur un écran géant au milieu du plateau.",
  { "workload_metrics" })
yes("batch 3 p18", "Chaque soir, un SMS demande aux clients de noter le livreur de une à cinq étoiles.",
  { "satisfaction_surveys" })
yes("batch 3 p19", "Les questionnaires remplis par les usagers sont classés par agent et remis au chef de service.",
  { "satisfaction_surveys" })
yes("batch 3 p20", "Les visites mystères de l’hiver ont donné lieu à trois avertissements pour des vendeuses.",
  { "satisfaction_surveys" })
no("batch 3 n1", "Le suivi médical renforcé des agents de nuit est assuré par le médecin du travail.")
no("batch 3 n2", "La direction contrôle désormais les notes de frais de chaque cadre avec un nouveau logiciel.")
no("batch 3 n3", "Les clients peuvent suivre leur colis en temps réel sur le site de l’entreprise.")
no("batch 3 n4", "La prime d’objectifs est maintenue à 300 euros pour tous.")
no("batch 3 n5", "Votre avis compte : répondez au questionnaire de la section avant le 15 mai.")
no("batch 3 n6", "L’historique des négociations salariales est disponible au local.")
no("batch 3 n7", "Le contrôle des connaissances des apprentis aura lieu en juin.")
no("batch 3 n8", "La carte Vitale est nécessaire pour la visite médicale d’embauche.")
no("batch 3 n9", "Les syndicats ont pris position contre la fermeture du site de Rouen.")
no("batch 3 n10", "Le chef d’équipe a organisé un pot de départ pour Martine, qui part à la retraite après 32 ans.")
no("batch 3 n11", "La CFDT demande que le badge ne serve plus à calculer les heures des cadres au forfait.")
no("batch 3 n12", "L’enquête de la CARSAT sur les accidents du travail est en cours.")
no("batch 3 n13", "Les élus suivent de près le dossier des salaires et reviendront vers vous.")
no("batch 3 n14", "Le planning annuel est affiché dans chaque service depuis lundi.")
no("batch 3 n15", "Le tableau de bord social présenté au CSE montre une hausse de l’absentéisme.")
no("batch 3 n16", "Les objectifs de la négociation sont clairs : salaires, effectifs, conditions de travail.")
no("batch 3 n17", "Les agents peuvent consulter leurs bulletins de paie en ligne à tout moment.")
no("batch 3 n18", "Les bus sont équipés de caméras pour la sécurité des voyageurs.")
no("batch 3 n19", "Le syndicat a mis en ligne une carte des piquets de grève pour que chacun sache où aller.")
no("batch 3 n20", "Le GPS, c’est bien pour trouver un client, pas pour fliquer les techniciens !")
yes("batch 4 para1", [[LOGISTIQUE : ON N'EST PAS DES ROBOTS !
Depuis septembre, chaque préparateur reçoit un terminal vocal qui lui dicte les emplacements. Ce terminal compte chaque colis et la direction affiche tous les matins le classement individuel de la veille.
Nous exigeons :
- la fin du classement individuel
- une pause supplémentaire l'été]],
  { "workload_metrics" })
yes("batch 4 para2", [[Compte rendu du CSE du 4 avril
Point 2 : la direction présente son projet de géolocalisation des véhicules de l'agence. Chaque technicien sera localisé en permanence par le boîtier installé dans sa voiture. Les élus rappellent que la géolocalisation ne peut pas servir à contrôler les horaires.
Vote : 5 contre, 2 abstentions.]],
  { "geolocation" })
yes("batch 4 para3", [[Télétravail : attention !
Le logiciel Presencia, installé sur les portables du siège, signale au manager toute inactivité de plus de dix minutes. Il enregistre aussi les sites visités.
La CGT refuse que ces données servent à sanctionner qui que ce soit.]],
  { "activity_tracking", "internet_monitoring" })
yes("batch 4 para4", [[Q : La direction va-t-elle installer des pointeuses ?
R : Oui, des pointeuses à badge seront installées en juin dans les trois ateliers, et les chefs d'équipe recevront chaque lundi les retards de la semaine.
Q : Peut-on refuser ?
R : Non, mais le CSE doit être consulté.]],
  { "time_clock" })
yes("batch 4 para5", [[Caissières : souriez, vous êtes notées !
Une société extérieure envoie des clients mystères qui évaluent chaque caissière sur douze critères. Une note inférieure à 14 entraîne un entretien avec la directrice du magasin. Nous ne sommes pas contre la qualité de l'accueil, mais pas à n'importe quel prix.]],
  { "satisfaction_surveys" })
yes("batch 4 para6", [[Les bracelets arrivent
Les manutentionnaires de l'équipe de nuit testeront en mai un bracelet connecté qui vibre pour guider les gestes. Selon la notice du fabricant, il mémorise aussi les temps d'arrêt de chaque porteur.
Personne ne vous obligera à le porter en dehors du service.]],
  { "wearables" })
no("batch 4 para7", [[SALAIRES : LA DIRECTION DOIT PAYER
La NAO s'est ouverte le 3 mars. La direction propose 1,2 %. Les indicateurs financiers sont pourtant excellents : résultat net en hausse, dividendes records. Nos revendications : 4 % pour tous, la prime de transport doublée, l'égalité salariale.
Rendez-vous le 12 mars à 12 h devant le portique d'entrée.]])
no("batch 4 para8", [[Pique-nique de la section
Rendez-vous au lac, tapez « base nautique » dans votre GPS. Chaque famille apporte un plat. Un questionnaire vous sera envoyé après la journée pour nous dire ce que vous avez pensé de l'organisation.]])
no("advice to the reader", "Téléchargez l’appli météo pour suivre l’orage en direct, et réglez le GPS de la voiture sur l’itinéraire le plus court.")
no("advice in a list", "- Notez chaque remarque de votre chef sur vos pauses et transmettez-la à vos délégués.")
