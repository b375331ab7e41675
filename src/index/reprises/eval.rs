//! The evaluation: a seeded generator of French press texts (written for
//! this test, composed from template banks per subject) and of their
//! reposts, then precision and recall of [`is_reprise`] on the pairs.

use super::fingerprint::{shingles, splitmix64, words_of};
use super::*;

/// splitmix64: seeded, so that the evaluation is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let (state, value) = splitmix64(self.0);
        self.0 = state;
        value
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

type Lexicon = &'static [(&'static str, &'static [&'static str])];

struct Subject {
    templates: &'static [&'static str],
    lexicon: Lexicon,
}

/// Sentences any text of the milieu may hold, whatever its subject.
const GENERIC: &[&str] = &[
    "Nous appelons à un rassemblement devant {batiment} de {ville} le {jour} {mois}, à {heure} heures.",
    "Une réunion publique se tiendra le {jour} {mois} à {salle}, avec {invite}.",
    "Ce qui se joue ici dépasse largement {ville} : c’est {enjeu} qui est en cause.",
    "{collectif} dénonce {critique} et demande {demande}.",
    "On nous répète que {argument}, mais personne n’a jamais demandé l’avis {public_g}.",
    "Depuis {duree}, {collectif} documente {objet} et alerte les élus, sans réponse.",
    "Les documents obtenus par {voie} montrent que {revelation}.",
    "Nous ne sommes pas contre {ceci} : nous refusons {cela}.",
    "Le {jour} {mois}, plus de {n} personnes ont {action} à l’appel de {collectif}.",
    "Comme souvent, {media} a repris sans recul la communication de {promoteur}.",
    "Il faut rappeler que {rappel}.",
    "« {citation} », résume {personne}.",
    "La prochaine étape sera {etape}, prévue {quand}.",
    "Pour soutenir la lutte, {soutien}.",
    "{collectif} rappelle que {principe}.",
    "Cette affaire illustre {illustration}.",
];

const GENERIC_LEXICON: Lexicon = &[
    (
        "collectif",
        &[
            "le collectif Grain de sable",
            "l’association Terres et Données",
            "le collectif Stop Béton Numérique",
            "l’Observatoire citoyen des technologies",
            "la coordination Vigilance Algorithmes",
            "le comité Eau Commune",
            "l’assemblée des Ardoises",
            "le groupe Lucioles",
            "la Ligue des usagers du service public",
            "le collectif Sous les Pavés",
            "l’association Lendemains Ouverts",
            "le réseau Prise de Terre",
        ],
    ),
    (
        "ville",
        &[
            "Grenoble",
            "Lyon",
            "Marseille",
            "Nantes",
            "Toulouse",
            "Montreuil",
            "Saint-Étienne",
            "Rennes",
            "Lille",
            "Clermont-Ferrand",
        ],
    ),
    (
        "batiment",
        &[
            "la mairie",
            "la préfecture",
            "l’hôtel de métropole",
            "le conseil régional",
            "le tribunal administratif",
            "la chambre de commerce",
        ],
    ),
    (
        "salle",
        &[
            "la Bourse du travail",
            "la salle des fêtes",
            "la maison des associations",
            "l’espace autogéré des Tanneries",
            "la librairie du quartier",
            "la MJC du centre",
        ],
    ),
    (
        "invite",
        &[
            "des chercheurs en sciences sociales",
            "des juristes spécialistes des libertés",
            "des agriculteurs voisins",
            "des syndicalistes de la fonction publique",
            "une hydrologue indépendante",
            "des habitants d’autres villes mobilisées",
        ],
    ),
    (
        "enjeu",
        &[
            "notre capacité à décider collectivement",
            "le partage des communs",
            "la démocratie locale",
            "l’avenir des territoires",
            "le droit de refuser une technologie",
            "l’idée même de service public",
        ],
    ),
    (
        "critique",
        &[
            "une fuite en avant technologique",
            "un passage en force",
            "le mépris des instances de concertation",
            "l’absence totale de transparence",
            "une décision prise dans l’entre-soi",
            "le verdissement de façade des promoteurs",
        ],
    ),
    (
        "demande",
        &[
            "un moratoire immédiat",
            "la publication de tous les documents",
            "l’organisation d’un référendum local",
            "l’arrêt pur et simple du projet",
            "une expertise indépendante",
            "un débat public contradictoire",
        ],
    ),
    (
        "argument",
        &[
            "le progrès ne se discute pas",
            "la France ne peut pas prendre de retard",
            "c’est inévitable",
            "tout le monde le fait déjà",
            "l’innovation crée des emplois",
            "la technologie est neutre",
        ],
    ),
    (
        "public_g",
        &[
            "des habitants",
            "des premiers concernés",
            "des travailleurs",
            "des usagers",
            "des paysans",
            "des élèves et de leurs parents",
        ],
    ),
    (
        "duree",
        &[
            "deux ans",
            "plusieurs mois",
            "le printemps {an}",
            "l’automne dernier",
            "le début de l’enquête publique",
            "la dernière campagne municipale",
        ],
    ),
    (
        "objet",
        &[
            "les conséquences du projet",
            "les promesses non tenues",
            "chaque étape de la procédure",
            "les conflits d’intérêts",
            "les chiffres avancés par les promoteurs",
            "les témoignages des habitants",
        ],
    ),
    (
        "voie",
        &[
            "une demande d’accès aux documents administratifs",
            "des journalistes locaux",
            "un lanceur d’alerte",
            "des élus d’opposition",
            "une fuite interne",
        ],
    ),
    (
        "revelation",
        &[
            "les chiffres officiels ont été revus à la baisse",
            "la décision était prise bien avant la concertation",
            "les services de l’État avaient émis des réserves",
            "un cabinet de conseil a rédigé l’essentiel du dossier",
            "aucune étude sérieuse n’a été menée",
            "les engagements de l’entreprise ne sont pas contraignants",
        ],
    ),
    (
        "ceci",
        &[
            "la technique",
            "l’emploi",
            "le numérique en soi",
            "la modernisation",
            "les outils",
            "la recherche",
        ],
    ),
    (
        "cela",
        &[
            "qu’on décide à notre place",
            "la logique de croissance sans fin",
            "un monde administré par des machines",
            "que les communs servent des intérêts privés",
            "la surveillance comme horizon",
            "l’accaparement des ressources",
        ],
    ),
    (
        "action",
        &[
            "défilé dans les rues de {ville}",
            "signé la pétition",
            "participé à la marche",
            "occupé le parvis de la mairie",
            "assisté à la réunion d’information",
            "rejoint le pique-nique militant",
        ],
    ),
    (
        "media",
        &[
            "la presse locale",
            "le quotidien régional",
            "une chaîne d’information en continu",
            "le magazine de la métropole",
            "un grand hebdomadaire économique",
            "la radio publique",
        ],
    ),
    (
        "promoteur",
        &["l’entreprise", "la préfecture", "la majorité municipale", "la start-up", "la région", "l’État"],
    ),
    (
        "rappel",
        &[
            "la loi impose une consultation du public",
            "le département est en vigilance sécheresse depuis trois étés",
            "la Cnil avait déjà rendu un avis critique",
            "les promesses d’emplois ne se réalisent presque jamais",
            "le coût réel est supporté par la collectivité",
            "plusieurs recours sont encore pendants",
        ],
    ),
    (
        "citation",
        &[
            "On nous demande d’accepter sans comprendre",
            "Ce projet n’a été pensé pour personne ici",
            "On a l’impression de parler à un mur",
            "Ils comptent sur notre lassitude",
            "Le débat a été confisqué dès le départ",
            "Nous voulons simplement avoir notre mot à dire",
            "Tout a été décidé dans des bureaux à Paris",
        ],
    ),
    (
        "personne",
        &[
            "une habitante du quartier",
            "un membre du collectif",
            "une militante de longue date",
            "un élu d’opposition",
            "une retraitée engagée",
            "un jeune agriculteur",
            "une enseignante mobilisée",
        ],
    ),
    (
        "etape",
        &[
            "l’audience au tribunal administratif",
            "le vote en conseil municipal",
            "la fin de l’enquête publique",
            "la remise du rapport d’expertise",
            "une nouvelle assemblée générale",
            "la visite du ministre",
        ],
    ),
    (
        "quand",
        &[
            "le {jour} {mois}",
            "dans les prochaines semaines",
            "avant l’été",
            "à la rentrée",
            "au début de l’année {an}",
            "d’ici la fin du mois",
        ],
    ),
    (
        "soutien",
        &[
            "une caisse de solidarité a été ouverte",
            "vous pouvez signer la pétition en ligne",
            "il est possible d’écrire aux élus",
            "des affiches sont disponibles au local",
            "une brochure explicative est en préparation",
            "chacun peut relayer l’appel autour de soi",
        ],
    ),
    (
        "principe",
        &[
            "l’eau n’est pas une marchandise",
            "les libertés ne se négocient pas",
            "un territoire n’est pas une zone à aménager",
            "la sobriété doit s’appliquer d’abord aux industriels",
            "les données des usagers ne sont pas une ressource",
            "le sous-sol appartient à ceux qui vivent dessus",
        ],
    ),
    (
        "illustration",
        &[
            "la manière dont l’État aménage les territoires sans leurs habitants",
            "l’alliance entre les élus locaux et les industriels du numérique",
            "le double discours de la transition écologique",
            "la course à la puissance de calcul",
            "la numérisation forcée de la vie quotidienne",
            "la difficulté de contester une décision technique",
        ],
    ),
    (
        "mail",
        &[
            "contact@grain-de-sable.example",
            "eau-commune@listes.example",
            "lucioles@exemple.org",
            "ardoises@exemple.net",
            "vigilance@exemple.fr",
        ],
    ),
    (
        "connecteur",
        &[
            "Par ailleurs",
            "Surtout",
            "De fait",
            "Rappelons-le",
            "Autrement dit",
            "En clair",
            "Pire encore",
            "Et pourtant",
            "Sur place",
            "Officiellement",
        ],
    ),
];

/// Data centers and water.
const DATA_CENTERS: Subject = Subject {
    templates: &[
        "Le projet de data center porté par {operateur} à {lieu} {verbe} chaque année près de {n} 000 \
         mètres cubes d’eau.",
        "À {lieu}, {riverains} découvrent que {ressource} servira d’abord à refroidir des serveurs \
         dédiés à {usage}.",
        "{elu} a signé le permis de construire {moment}, au nom de {justif}.",
        "Avec {n} mégawatts raccordés, {batiment_dc} pèserait autant qu’une ville de {n} 000 habitants \
         sur le réseau.",
        "Les promoteurs promettent {n} emplois, mais un data center fonctionne avec {effectif}.",
        "La chaleur fatale des machines devrait, dit-on, {chaleur}, ce qui reste à prouver.",
        "En période de sécheresse, {ressource} manque déjà, et {riverains} subissent des restrictions \
         répétées.",
        "Le bâtiment {adj} occuperait {n} hectares de terres aujourd’hui cultivées à {lieu}.",
        "{operateur} refuse de communiquer {donnee} de ses installations, invoquant {motif}.",
        "Derrière le vocabulaire du {metaphore}, il y a des hangars de béton, {equipement} et \
         {equipement}.",
        "Le raccordement exige une nouvelle ligne à haute tension entre {lieu} et {lieu}, financée en \
         partie par {payeur}.",
        "Selon {source}, la part du numérique dans la consommation électrique {tendance} d’ici {an}.",
        "La métropole de {lieu} se rêve en « vallée de l’IA », quitte à sacrifier {ressource}.",
        "Les élus ont découvert le dossier {decouverte}, alors que les négociations duraient depuis \
         {n} mois.",
        "Pour refroidir les salles de serveurs, {operateur} prévoit {systeme}.",
        "Ce n’est pas {usage} qui nourrira les habitants de {lieu} quand {ressource} viendra à manquer.",
        "L’Autorité environnementale a relevé {n} lacunes dans l’étude d’impact, notamment sur \
         {ressource}.",
        "{riverains} craignent aussi le bruit permanent des ventilateurs et le ballet des camions \
         pendant {n} mois de chantier.",
        "Le schéma régional prévoit déjà {n} nouveaux data centers autour de {lieu}, sans aucune \
         évaluation cumulée.",
        "{elu} assure que {promesse}, une affirmation que rien ne vient étayer.",
    ],
    lexicon: &[
        (
            "lieu",
            &[
                "Grenoble",
                "Marseille",
                "Saclay",
                "Wissous",
                "Fos-sur-Mer",
                "Lyon",
                "Échirolles",
                "Bordeaux",
                "Villeneuve",
                "Saint-Ouen",
            ],
        ),
        (
            "operateur",
            &[
                "Digital Realty",
                "Data4",
                "Equinix",
                "un hébergeur américain",
                "un fonds d’investissement",
                "une filiale d’Amazon",
                "un géant du cloud",
                "une société luxembourgeoise",
            ],
        ),
        (
            "ressource",
            &[
                "l’eau potable",
                "l’électricité du réseau",
                "la nappe phréatique",
                "le foncier agricole",
                "la puissance électrique disponible",
                "l’eau de la rivière",
                "les terres maraîchères",
            ],
        ),
        (
            "usage",
            &[
                "l’intelligence artificielle générative",
                "le stockage de vidéos",
                "l’entraînement de modèles de langage",
                "le cloud des multinationales",
                "le streaming",
                "la publicité ciblée",
                "les cryptomonnaies",
            ],
        ),
        ("verbe", &["consommerait", "engloutirait", "prélèverait", "mobiliserait", "accaparerait"]),
        (
            "elu",
            &[
                "le maire",
                "la préfète",
                "le président de la métropole",
                "l’adjointe à l’urbanisme",
                "le conseil départemental",
                "la députée",
                "le vice-président chargé de l’économie",
            ],
        ),
        (
            "riverains",
            &[
                "les riverains",
                "les agriculteurs du plateau",
                "les habitants du quartier",
                "une association de quartier",
                "les syndicats de l’eau",
                "des parents d’élèves",
                "les pêcheurs de la rivière",
            ],
        ),
        (
            "batiment_dc",
            &[
                "l’entrepôt de serveurs",
                "le campus numérique",
                "le futur hyperscale",
                "le site",
                "le bâtiment",
            ],
        ),
        (
            "effectif",
            &[
                "une poignée de techniciens et de vigiles",
                "quelques dizaines de salariés",
                "moins de vingt personnes",
                "des équipes de maintenance venues d’ailleurs",
            ],
        ),
        (
            "chaleur",
            &[
                "chauffer une piscine municipale",
                "alimenter un réseau de chaleur",
                "chauffer quelques logements",
                "tempérer des serres",
            ],
        ),
        (
            "adj",
            &["pharaonique", "hors d’échelle", "démesuré", "opaque", "climaticide", "présenté comme vert"],
        ),
        (
            "moment",
            &[
                "en plein mois d’août",
                "sans débat public",
                "avant même l’enquête publique",
                "à la veille des élections",
                "en conseil restreint",
                "par simple arrêté",
            ],
        ),
        (
            "justif",
            &[
                "l’attractivité du territoire",
                "la souveraineté numérique",
                "l’emploi local",
                "la transition écologique",
                "la compétitivité européenne",
                "la relocalisation des données",
            ],
        ),
        (
            "donnee",
            &[
                "la consommation réelle",
                "les volumes d’eau prélevés",
                "la puissance souscrite",
                "le taux d’occupation",
            ],
        ),
        (
            "motif",
            &[
                "le secret des affaires",
                "la sécurité nationale",
                "la confidentialité commerciale",
                "des raisons de sûreté",
            ],
        ),
        ("metaphore", &["nuage", "cloud", "virtuel", "dématérialisé"]),
        (
            "equipement",
            &[
                "des groupes électrogènes au fioul",
                "des tours de refroidissement",
                "des batteries au lithium",
                "des transformateurs haute tension",
                "des kilomètres de câbles",
                "des climatiseurs géants",
            ],
        ),
        (
            "payeur",
            &[
                "les contribuables",
                "les abonnés d’EDF",
                "la métropole",
                "le gestionnaire du réseau",
                "la région",
            ],
        ),
        (
            "source",
            &[
                "l’Agence internationale de l’énergie",
                "RTE",
                "l’Ademe",
                "un rapport parlementaire",
                "un centre de recherche indépendant",
                "les propres projections du secteur",
            ],
        ),
        (
            "tendance",
            &[
                "pourrait doubler",
                "augmentera fortement",
                "dépassera celle des transports ferroviaires",
                "triplerait",
            ],
        ),
        (
            "decouverte",
            &["dans la presse", "au dernier moment", "par une fuite", "lors d’une commission technique"],
        ),
        (
            "systeme",
            &[
                "un circuit ouvert puisant dans la nappe",
                "des tours adiabatiques très gourmandes en eau",
                "un pompage direct dans le canal",
                "un raccordement au réseau d’eau potable de {lieu}",
            ],
        ),
        (
            "promesse",
            &[
                "l’eau sera intégralement recyclée",
                "le site fonctionnera à l’énergie renouvelable",
                "le projet créera une filière locale",
                "les nuisances seront minimes",
                "la consommation restera marginale",
            ],
        ),
    ],
};

/// Algorithmic video surveillance.
const SURVEILLANCE: Subject = Subject {
    templates: &[
        "À {lieu}, {n} caméras sont désormais reliées à un logiciel fourni par {entreprise}, capable \
         de repérer {comportement}.",
        "{elu} présente la vidéosurveillance algorithmique comme {euphemisme}, jamais comme un outil \
         de contrôle.",
        "Présentée comme temporaire pour {evenement}, l’expérimentation a été prolongée jusqu’en {an}.",
        "Les algorithmes sont entraînés à signaler {comportement}, ce qui vise en pratique {cible}.",
        "{autorite} avait pourtant rappelé que ces dispositifs menacent {libertes}.",
        "Personne ne sait quelles images sont conservées, ni combien de temps, ni par {qui}.",
        "Le marché public, d’un montant de {n} 000 euros, a été attribué à {entreprise} sans réelle \
         mise en concurrence.",
        "Dans le centre de supervision de {lieu}, {n} opérateurs regardent des écrans où clignotent \
         des alertes automatiques.",
        "Les études disponibles montrent {biais} de ces systèmes de détection.",
        "Ce que l’on normalise avec {evenement} restera : c’est {cliquet}.",
        "{loi} autorise l’analyse automatisée des images, officiellement sans reconnaissance faciale.",
        "Mais la frontière entre détection de comportements et identification des personnes est \
         {frontiere}.",
        "Les habitants de {quartier} ont vu apparaître de nouveaux mâts équipés de caméras {quand_s}.",
        "Aucun bilan indépendant n’a été publié, alors que {elu} promettait une évaluation {evaluation}.",
        "Des associations ont déposé un recours devant {autorite} pour obtenir la suspension du \
         dispositif.",
        "La détection automatique de {comportement} transforme chaque passant en suspect potentiel.",
        "À {lieu}, la police municipale utilise déjà {outil} en dehors de tout cadre légal.",
        "{entreprise} vend ses solutions comme {argument_vente}.",
        "Le budget consacré aux caméras à {lieu} atteint {n} euros par habitant, soit plus que \
         {comparaison}.",
        "En {an}, {n} villes françaises utilisaient déjà des outils d’analyse automatisée des images.",
    ],
    lexicon: &[
        (
            "lieu",
            &[
                "Grenoble",
                "Nice",
                "Marseille",
                "Montpellier",
                "Orléans",
                "Saint-Étienne",
                "Paris",
                "Toulouse",
                "Lyon",
                "Perpignan",
            ],
        ),
        (
            "entreprise",
            &[
                "Briefcam",
                "une start-up parisienne",
                "un industriel de la défense",
                "une filiale de Thales",
                "un éditeur israélien",
                "une jeune pousse lyonnaise",
                "un intégrateur spécialisé",
            ],
        ),
        (
            "comportement",
            &[
                "les mouvements de foule",
                "les bagages abandonnés",
                "les personnes allongées au sol",
                "les attroupements",
                "la maraude",
                "les véhicules à contresens",
                "les tags sur les façades",
            ],
        ),
        (
            "cible",
            &[
                "les personnes sans abri",
                "les jeunes des quartiers populaires",
                "les manifestants",
                "les vendeurs à la sauvette",
                "les mendiants",
                "les travailleuses du sexe",
                "les usagers de drogues",
            ],
        ),
        (
            "elu",
            &[
                "le maire",
                "l’adjoint à la sécurité",
                "le préfet de police",
                "le ministre de l’Intérieur",
                "la présidente de région",
                "le député de la majorité",
            ],
        ),
        (
            "euphemisme",
            &[
                "une simple aide aux agents",
                "un outil d’aide à la décision",
                "un progrès pour la tranquillité publique",
                "une assistance technique neutre",
                "une réponse moderne à l’insécurité",
            ],
        ),
        (
            "evenement",
            &[
                "les Jeux olympiques",
                "la Coupe du monde de rugby",
                "les fêtes de fin d’année",
                "un grand festival de musique",
                "les marchés de Noël",
                "un sommet international",
            ],
        ),
        (
            "autorite",
            &[
                "la Cnil",
                "le Conseil d’État",
                "le Défenseur des droits",
                "le Conseil constitutionnel",
                "le tribunal administratif",
            ],
        ),
        (
            "libertes",
            &[
                "la liberté d’aller et venir",
                "le droit à la vie privée",
                "la liberté de manifester",
                "l’anonymat dans l’espace public",
                "le droit de se rassembler",
            ],
        ),
        ("qui", &["quel prestataire", "quels services", "quelle administration", "quels sous-traitants"]),
        (
            "biais",
            &[
                "des biais discriminatoires",
                "un taux de fausses alertes élevé",
                "une efficacité jamais démontrée",
                "des critères tenus secrets",
            ],
        ),
        (
            "cliquet",
            &[
                "un effet de cliquet bien connu",
                "ainsi que les lois d’exception deviennent la règle",
                "la leçon de toutes les expérimentations passées",
                "ce que montrent les précédents européens",
            ],
        ),
        (
            "loi",
            &[
                "La loi relative aux Jeux olympiques",
                "Le décret d’application",
                "L’article 10 de la loi",
                "Une expérimentation dite temporaire",
                "Un arrêté préfectoral",
            ],
        ),
        (
            "frontiere",
            &[
                "très mince",
                "purement juridique",
                "technique et donc franchissable",
                "déjà franchie ailleurs",
            ],
        ),
        (
            "quartier",
            &[
                "la Villeneuve",
                "la Mosson",
                "Belsunce",
                "la Croix-Rousse",
                "l’Ariane",
                "Mistral",
                "la Duchère",
            ],
        ),
        (
            "quand_s",
            &[
                "en quelques semaines",
                "sans aucune information",
                "pendant l’été",
                "juste avant les élections",
            ],
        ),
        ("evaluation", &["rigoureuse", "transparente", "publique", "scientifique", "annuelle"]),
        (
            "outil",
            &[
                "des drones équipés de caméras",
                "un logiciel de lecture de plaques",
                "une application de signalement",
                "des caméras piétons connectées",
                "un outil d’analyse des enregistrements",
            ],
        ),
        (
            "argument_vente",
            &[
                "respectueuses du RGPD",
                "éthiques par conception",
                "souveraines et françaises",
                "indispensables aux villes intelligentes",
                "moins coûteuses que des agents",
            ],
        ),
        (
            "comparaison",
            &[
                "celui des bibliothèques",
                "celui de la prévention spécialisée",
                "l’aide aux associations de quartier",
                "l’entretien des écoles",
            ],
        ),
    ],
};

/// Lithium mines and extraction.
const MINES: Subject = Subject {
    templates: &[
        "Le projet de {entreprise} prévoit d’extraire {minerai} à {lieu} pendant au moins {n} ans.",
        "La future {slogan} est présentée comme indispensable pour {usage}.",
        "{riverains} redoutent {impact} et s’inquiètent pour {riviere}.",
        "L’usine de conversion consommerait {n} 000 mètres cubes d’eau par an, prélevés dans {riviere}.",
        "Le débat public organisé à {lieu} a réuni {n} personnes, dont beaucoup ont exprimé leur refus.",
        "{elu} qualifie le projet d’« intérêt national majeur », ce qui permettrait de {raccourci}.",
        "On parle de {minerai} « vert », mais une mine reste une mine, avec {impact}.",
        "Les anciennes exploitations de {lieu} ont laissé {heritage} que personne n’a jamais dépollués.",
        "Pour {usage}, on propose d’ouvrir des fosses géantes {ou}.",
        "Le transport du minerai broyé se ferait par {transport} jusqu’à {lieu}.",
        "{entreprise} promet {n} emplois directs, un chiffre repris partout sans vérification.",
        "La voiture électrique individuelle sert de justification à une relance minière {qualif}.",
        "En Amérique du Sud, l’extraction de {minerai} a déjà asséché {ailleurs}.",
        "Relocaliser l’extraction ne rend pas {minerai} plus soutenable : cela déplace simplement \
         {deplacement}.",
        "Le permis exclusif de recherche couvre {n} kilomètres carrés autour de {lieu}.",
        "{riverains} ont créé une association pour {but}.",
        "Les études hydrogéologiques commandées par {entreprise} restent {etat}.",
        "Avant de creuser, il faudrait se demander si nous avons vraiment besoin {besoin}.",
        "Le chantier de la galerie d’exploration doit démarrer {quand}, avant même l’autorisation \
         finale.",
        "À {lieu}, les prix du foncier ont déjà {prix} depuis l’annonce du projet.",
    ],
    lexicon: &[
        (
            "lieu",
            &[
                "Échassières",
                "l’Allier",
                "Montluçon",
                "Grenoble",
                "la Creuse",
                "le Massif central",
                "Saint-Pourçain",
                "les Combrailles",
                "Vichy",
                "la Bretagne",
            ],
        ),
        (
            "entreprise",
            &[
                "Imerys",
                "un groupe minier australien",
                "une coentreprise franco-allemande",
                "une société d’exploration",
                "un fonds souverain",
                "l’établissement public de géologie",
            ],
        ),
        (
            "minerai",
            &["le lithium", "le tungstène", "l’étain", "le tantale", "le kaolin", "les terres rares"],
        ),
        (
            "usage",
            &[
                "les batteries des voitures électriques",
                "les téléphones",
                "les serveurs",
                "les trottinettes en libre-service",
                "l’industrie de défense",
                "le stockage d’énergie",
            ],
        ),
        (
            "impact",
            &[
                "la pollution des rivières",
                "l’assèchement des sources",
                "les poussières chargées d’arsenic",
                "les déchets miniers",
                "le trafic de poids lourds",
                "la destruction des haies et des bois",
            ],
        ),
        (
            "elu",
            &[
                "le ministre de l’Industrie",
                "le préfet de l’Allier",
                "la présidente du département",
                "le maire du village",
                "le député de la circonscription",
                "le commissaire enquêteur",
            ],
        ),
        (
            "riverains",
            &[
                "les éleveurs",
                "les habitants du bourg",
                "les apiculteurs",
                "les pêcheurs",
                "les familles installées depuis des générations",
                "les néoruraux",
            ],
        ),
        ("slogan", &["mine propre", "mine responsable", "filière du lithium vert", "extraction exemplaire"]),
        ("riviere", &["la Sioule", "la Bouble", "le Cher", "l’Allier", "les ruisseaux de tête de bassin"]),
        (
            "raccourci",
            &[
                "contourner certaines protections",
                "réduire les délais de recours",
                "écarter les objections locales",
                "passer outre l’avis des communes",
            ],
        ),
        (
            "heritage",
            &[
                "des terrils",
                "des bassins de décantation",
                "des sols contaminés",
                "des galeries effondrées",
                "des stériles radioactifs",
            ],
        ),
        (
            "ou",
            &[
                "au cœur du bocage",
                "dans une forêt classée",
                "à quelques centaines de mètres des maisons",
                "sur des zones humides",
                "en tête de bassin versant",
            ],
        ),
        ("transport", &["canalisation enterrée", "camions", "voie ferrée rénovée", "convoyeurs"]),
        (
            "qualif",
            &[
                "sans précédent depuis les années 1980",
                "pilotée depuis Paris",
                "soutenue par l’Union européenne",
                "financée par l’argent public",
            ],
        ),
        (
            "ailleurs",
            &[
                "des lagunes entières",
                "les terres de communautés indigènes",
                "des salars millénaires",
                "les puits des villages",
            ],
        ),
        (
            "deplacement",
            &[
                "les dégâts chez nous",
                "les conflits",
                "la question sans la résoudre",
                "les nuisances d’un continent à l’autre",
            ],
        ),
        (
            "but",
            &[
                "suivre chaque étape du dossier",
                "organiser des balades sur le site",
                "financer des analyses d’eau indépendantes",
                "préparer les recours juridiques",
            ],
        ),
        (
            "etat",
            &[
                "confidentielles",
                "incomplètes",
                "introuvables",
                "en cours de rédaction",
                "contestées par des chercheurs",
            ],
        ),
        (
            "besoin",
            &[
                "de voitures de deux tonnes",
                "de renouveler nos téléphones tous les deux ans",
                "de toujours plus de batteries",
                "d’électrifier sans rien réduire",
                "de cette croissance de la consommation",
            ],
        ),
        ("prix", &["bondi", "baissé", "été bouleversés", "attiré les spéculateurs"]),
    ],
};

/// Scoring algorithms and paperless public services.
const ALGORITHMS: Subject = Subject {
    templates: &[
        "Depuis {an}, {organisme} attribue à chaque dossier un score calculé par {outil}.",
        "Ce score cible en priorité {public}, déjà les plus exposés aux difficultés.",
        "Parmi les variables qui font monter le score figurent {critere} et {critere}.",
        "Les contrôles déclenchés par {outil} entraînent souvent {consequence}.",
        "{acteur} constatent que {public} renoncent à leurs droits devant la complexité des démarches.",
        "Pour {demarche}, il faut désormais passer par une plateforme en ligne, sans {guichet}.",
        "À {lieu}, {acteur} reçoivent chaque semaine des personnes perdues face à {organisme}.",
        "La dématérialisation est présentée comme {presente}, alors qu’elle exclut {n} % de la \
         population.",
        "{organisme} refuse de publier le code source de {outil}, au motif qu’il permettrait de le \
         contourner.",
        "Une enquête journalistique a montré que {outil} pénalise {public}.",
        "Plus de {n} personnes ont reçu en {mois} un courrier automatique réclamant {reclamation}.",
        "Derrière la neutralité revendiquée des chiffres, il y a {choix}.",
        "Le Défenseur des droits a dénoncé à plusieurs reprises {denonce}.",
        "{acteur} demandent {demande_s}.",
        "Pendant ce temps, {n} postes d’agents d’accueil ont été supprimés à {lieu}.",
        "Une allocataire de {lieu} raconte avoir attendu {n} semaines avant de parler à {interlocuteur}.",
        "Le croisement des fichiers de {organisme} et de {organisme} multiplie {consequence}.",
        "Ce que les statisticiens appellent un faux positif, c’est pour {public} {vecu}.",
        "La numérisation des services publics a surtout permis {permis}.",
        "À {lieu}, {public} se sont organisés en collectif pour {but}.",
    ],
    lexicon: &[
        (
            "lieu",
            &[
                "Grenoble",
                "Roubaix",
                "Seine-Saint-Denis",
                "Marseille",
                "Lille",
                "Toulouse",
                "Nantes",
                "Montreuil",
                "Rennes",
                "Brest",
            ],
        ),
        (
            "organisme",
            &["la CAF", "France Travail", "l’Assurance maladie", "la MSA", "les impôts", "la préfecture"],
        ),
        (
            "public",
            &[
                "les allocataires du RSA",
                "les mères isolées",
                "les personnes en situation de handicap",
                "les travailleurs précaires",
                "les étrangers",
                "les retraités modestes",
                "les étudiants boursiers",
            ],
        ),
        (
            "critere",
            &[
                "des revenus irréguliers",
                "un déménagement récent",
                "une séparation",
                "le fait d’être né à l’étranger",
                "un handicap",
                "un changement de situation professionnelle",
            ],
        ),
        (
            "outil",
            &[
                "l’algorithme de notation",
                "le score de risque",
                "la fouille de données",
                "le croisement automatisé des fichiers",
                "l’outil de ciblage des contrôles",
            ],
        ),
        (
            "demarche",
            &[
                "renouveler un titre de séjour",
                "déclarer ses ressources",
                "contester un trop-perçu",
                "obtenir un rendez-vous",
                "faire valoir ses droits",
            ],
        ),
        (
            "consequence",
            &[
                "des suspensions de droits",
                "des indus réclamés des années plus tard",
                "des contrôles à domicile",
                "des dossiers bloqués pendant des mois",
                "des radiations arbitraires",
            ],
        ),
        (
            "guichet",
            &["accueil physique", "guichet", "agent au téléphone", "permanence", "solution sans ordinateur"],
        ),
        (
            "acteur",
            &[
                "les travailleurs sociaux",
                "les agents de terrain",
                "les bénévoles des permanences",
                "les écrivains publics",
                "les syndicats de la Sécurité sociale",
                "les associations de chômeurs",
            ],
        ),
        (
            "presente",
            &[
                "une simplification",
                "un progrès pour tous",
                "une source d’économies",
                "une modernisation nécessaire",
                "une évidence",
            ],
        ),
        (
            "reclamation",
            &[
                "le remboursement d’un trop-perçu",
                "des pièces justificatives sous huit jours",
                "une mise à jour de leur dossier",
                "la preuve de leur résidence",
            ],
        ),
        (
            "choix",
            &[
                "des choix politiques",
                "une vision policière de la pauvreté",
                "une logique comptable",
                "la suspicion généralisée",
                "la réduction des effectifs",
            ],
        ),
        (
            "denonce",
            &[
                "la fermeture des guichets",
                "la dématérialisation à marche forcée",
                "le traitement inégal des usagers",
                "l’opacité des algorithmes publics",
                "l’absence d’alternative au numérique",
            ],
        ),
        (
            "demande_s",
            &[
                "le retour d’un accueil humain dans chaque commune",
                "la suppression du score de risque",
                "un droit à l’erreur effectif",
                "l’ouverture des critères de ciblage",
                "le maintien du papier pour ceux qui le souhaitent",
            ],
        ),
        ("interlocuteur", &["un agent", "une personne", "quelqu’un de compétent", "un conseiller"]),
        (
            "vecu",
            &[
                "des mois sans revenus",
                "l’angoisse du contrôle",
                "une dette impossible à rembourser",
                "la honte et l’isolement",
            ],
        ),
        (
            "permis",
            &[
                "de fermer des guichets",
                "de réduire les effectifs",
                "de déplacer le travail vers les usagers",
                "de rendre les décisions incontestables",
            ],
        ),
        (
            "but",
            &[
                "accompagner les démarches",
                "contester les décisions",
                "se défendre collectivement",
                "documenter les abus",
            ],
        ),
    ],
};

const SUBJECTS: [Subject; 4] = [DATA_CENTERS, SURVEILLANCE, MINES, ALGORITHMS];

/// What another site writes above a text it reposts.
const INTROS: &[&str] = &[
    "Nous publions ci-dessous le communiqué de {collectif}, reçu le {jour} {mois}.",
    "Texte reçu par courriel, que nous relayons volontiers.",
    "Voici le communiqué diffusé cette semaine par {collectif} ; nous le reproduisons avec leur accord.",
    "Repris du site de {collectif}. Les intertitres sont de la rédaction.",
    "Nous avons déjà évoqué cette lutte dans nos colonnes. Un nouveau texte circule, que voici.",
    "Un lecteur nous a transmis ce texte, qui nous semble mériter une large diffusion.",
    "Article initialement paru sur le blog de {collectif}, légèrement raccourci.",
    "À lire, à diffuser, à discuter : le communiqué de {collectif} sur la situation à {ville}.",
];

/// What another site writes below a text it reposts.
const FOOTERS: &[&str] = &[
    "Source : le site de {collectif}. Reproduction libre et encouragée.",
    "Pour nous écrire : {mail}.",
    "Cet article a été repris avec l’accord de ses auteurs.",
];

/// Standing "about us" paragraphs that collectives put under all their texts.
const ABOUT: &[&str] = &[
    "Qui sommes-nous ? Un collectif d’habitantes et d’habitants, sans chef ni parti, qui se réunit \
     chaque premier mardi du mois pour enquêter sur les projets industriels de la région, \
     informer le voisinage et préparer des actions. Nos réunions sont ouvertes à toutes celles \
     et ceux qui veulent comprendre et agir, avec ou sans connaissances techniques.",
    "L’association, fondée il y a six ans, ne reçoit aucune subvention et vit des cotisations de \
     ses membres. Elle publie une lettre mensuelle, tient une permanence juridique gratuite le \
     samedi matin et met à disposition ses archives de presse pour quiconque prépare un recours \
     ou un article sur les pollutions et la surveillance.",
    "Ce texte peut être librement copié, traduit et diffusé, à condition d’en citer la source et de \
     ne pas en faire un usage commercial. Pour recevoir nos prochains communiqués, écrivez-nous \
     ou passez à notre local, ouvert les mercredis et vendredis de dix-sept à vingt heures.",
];

const SIGNATURE: &str = "{collectif}, {ville}, le {jour} {mois} {an}. Contact : {mail}. \
                         Premiers signataires : {collectif}, {collectif} et {collectif}.";

use crate::corpus::FRENCH_MONTHS as MONTHS;

fn lookup(subject: &Subject, key: &str) -> &'static [&'static str] {
    subject
        .lexicon
        .iter()
        .chain(GENERIC_LEXICON)
        .find(|(k, _)| *k == key)
        .unwrap_or_else(|| panic!("no words for {{{key}}}"))
        .1
}

/// Fills the `{slots}` of a template, recursively.
fn fill(rng: &mut Rng, subject: &Subject, template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("closed slot");
        let key = &rest[open + 1..close];
        let value = match key {
            "n" => rng.range(2, 980).to_string(),
            "an" => rng.range(2019, 2031).to_string(),
            "jour" => rng.range(1, 28).to_string(),
            "heure" => rng.range(9, 19).to_string(),
            "mois" => rng.pick(&MONTHS).to_string(),
            _ => {
                let words = lookup(subject, key);
                let word = *rng.pick(words);
                fill(rng, subject, word)
            }
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if second.is_lowercase() || second == '’' => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

/// One sentence of `subject`, from its own bank (70 %) or the generic one.
fn sentence(rng: &mut Rng, subject: &Subject, used: &mut FxHashSet<&'static str>) -> String {
    let bank = if rng.chance(0.7) { subject.templates } else { GENERIC };
    let mut template = *rng.pick(bank);
    for _ in 0..8 {
        if used.insert(template) {
            break;
        }
        template = *rng.pick(bank);
    }
    let text = capitalise(&contract(&fill(rng, subject, template)));
    if rng.chance(0.2) {
        let connector = fill(rng, subject, "{connecteur}");
        format!("{connector}, {}", lower_first(&text))
    } else {
        text
    }
}

const QUOTE: &str = "Comme l’écrit";

/// French contractions that slot filling breaks (`de le` → `du`).
fn contract(text: &str) -> String {
    let mut text = text.to_string();
    for (from, to) in [
        (" de le ", " du "),
        (" de les ", " des "),
        (" à le ", " au "),
        (" à les ", " aux "),
        (" de une ", " d’une "),
        (" de un ", " d’un "),
        (" que un ", " qu’un "),
        (" que une ", " qu’une "),
        (" de à ", " à "),
    ] {
        text = text.replace(from, to);
    }
    text
}

/// A base text: paragraphs of sentences, then a signature.
#[derive(Clone)]
struct Text {
    subject: usize,
    paragraphs: Vec<Vec<String>>,
    signature: String,
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

impl Text {
    fn body(&self) -> String {
        let mut paragraphs: Vec<String> = self.paragraphs.iter().map(|p| p.join(" ")).collect();
        paragraphs.push(self.signature.clone());
        paragraphs.join("\n\n")
    }
}

/// A text of 250 to 600 words on `subject`; sometimes it quotes two
/// sentences of an earlier text on the same subject, as articles do.
fn base_text(rng: &mut Rng, subject: usize, earlier: &[Text]) -> Text {
    let topic = &SUBJECTS[subject];
    let target = rng.range(250, 600);
    let signature = capitalise(&contract(&fill(rng, topic, SIGNATURE)));
    let mut used = FxHashSet::default();
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    let about = rng.chance(0.4).then(|| *rng.pick(ABOUT));
    let mut count = words(&signature) + about.map_or(0, words);
    let same: Vec<&Text> = earlier.iter().filter(|t| t.subject == subject).collect();
    let mut quote = if !same.is_empty() && rng.chance(0.35) {
        // Two sentences of the other text's own (not quotes, not the "about" paragraph).
        let source = *rng.pick(&same);
        let source: Vec<&String> = source
            .paragraphs
            .iter()
            .filter(|p| p.len() > 1 || !ABOUT.contains(&p[0].as_str()))
            .flatten()
            .filter(|s| !s.starts_with(QUOTE))
            .collect();
        let at = rng.below(source.len() - 1);
        let by = fill(rng, topic, "{collectif}");
        Some(format!("{QUOTE} {by} : « {} {} »", source[at], source[at + 1]))
    } else {
        None
    };
    let mut left = 0;
    while count < target {
        if left == 0 {
            paragraphs.push(Vec::new());
            left = rng.range(2, 5);
        }
        let next = match quote.take_if(|_| rng.chance(0.15)) {
            Some(quote) => quote,
            None => sentence(rng, topic, &mut used),
        };
        if count + words(&next) > 600 {
            break;
        }
        count += words(&next);
        paragraphs.last_mut().unwrap().push(next);
        left -= 1;
    }
    paragraphs.retain(|p| !p.is_empty());
    if let Some(about) = about {
        paragraphs.push(vec![about.to_string()]);
    }
    let text = Text { subject, paragraphs, signature };
    assert!((250..=600).contains(&words(&text.body())), "{} words", words(&text.body()));
    text
}

/// How hard reposts are edited.
#[derive(Clone, Copy)]
enum Edits {
    /// 10 to 30 % of the sentences removed or added, in total.
    Brief,
    /// Up to 30 % removed and up to 30 % added.
    Stress,
    /// Only the first 35 to 60 % of the text, under an intro, above a link.
    Excerpt,
}

impl Edits {
    fn name(self) -> &'static str {
        match self {
            Edits::Brief => "10–30 % edits",
            Edits::Stress => "up to 30 % removed and 30 % added",
            Edits::Excerpt => "excerpts of 35–60 %",
        }
    }
}

/// Typography another site may apply.
fn retype(rng: &mut Rng, text: &str) -> String {
    let mut text = text.to_string();
    if rng.chance(0.5) {
        text = text.replace('’', "'");
    }
    if rng.chance(0.5) {
        text = text.replace("« ", "\"").replace(" »", "\"");
    }
    if rng.chance(0.3) {
        text = text.replace('œ', "oe");
    }
    if rng.chance(0.3) {
        text = text.replace('É', "E").replace('À', "A");
    }
    if rng.chance(0.3) {
        text = text.replace(" :", "\u{a0}:").replace(" ;", "\u{a0};");
    }
    text
}

/// A repost of `base` by another site.
fn repost(rng: &mut Rng, base: &Text, edits: Edits) -> String {
    let topic = &SUBJECTS[base.subject];
    let mut sentences: Vec<(usize, String)> = base
        .paragraphs
        .iter()
        .enumerate()
        .flat_map(|(p, sentences)| sentences.iter().map(move |s| (p, s.clone())))
        .collect();
    let n = sentences.len() as f64;
    let (removed, added) = match edits {
        Edits::Brief => {
            let total = 0.1 + 0.2 * rng.unit();
            let share = rng.unit();
            (total * share, total * (1.0 - share))
        }
        Edits::Stress => (0.3 * rng.unit(), 0.3 * rng.unit()),
        Edits::Excerpt => (0.0, 0.0),
    };
    for _ in 0..(removed * n).round() as usize {
        sentences.remove(rng.below(sentences.len()));
    }
    let excerpt = matches!(edits, Edits::Excerpt);
    if excerpt {
        sentences.truncate(((0.35 + 0.25 * rng.unit()) * n).round() as usize);
    }
    let mut used = FxHashSet::default();
    for _ in 0..(added * n).round() as usize {
        let at = rng.below(sentences.len() + 1);
        let paragraph = sentences.get(at).or(sentences.last()).map_or(0, |s| s.0);
        sentences.insert(at, (paragraph, sentence(rng, topic, &mut used)));
    }
    // A few words dropped or changed here and there.
    for (_, sentence) in &mut sentences {
        if rng.chance(0.08) {
            let mut words: Vec<&str> = sentence.split(' ').collect();
            if words.len() > 3 {
                words.remove(rng.range(1, words.len() - 2));
                *sentence = words.join(" ");
            }
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    if rng.chance(if excerpt { 0.8 } else { 0.6 }) {
        let intro: Vec<String> = (0..rng.range(1, 2))
            .map(|_| {
                let template = *rng.pick(INTROS);
                contract(&fill(rng, topic, template))
            })
            .collect();
        paragraphs.push(intro.join(" "));
    }
    let mut current = usize::MAX;
    for (paragraph, sentence) in sentences {
        if paragraph != current || paragraphs.is_empty() {
            paragraphs.push(sentence);
            current = paragraph;
        } else {
            let last = paragraphs.last_mut().unwrap();
            last.push(' ');
            last.push_str(&sentence);
        }
    }
    if excerpt {
        paragraphs.push(contract(&fill(rng, topic, "Lire la suite sur le site de {collectif}.")));
    } else if rng.chance(0.5) {
        paragraphs.push(base.signature.clone());
    }
    if rng.chance(0.3) {
        let template = *rng.pick(FOOTERS);
        paragraphs.push(contract(&fill(rng, topic, template)));
    }
    retype(rng, &paragraphs.join("\n\n"))
}

/// A document of the evaluation: a base text or one of its reposts.
struct Doc {
    group: usize,
    subject: usize,
    base: bool,
    body: String,
}

/// `per_subject` base texts for each subject, each followed by `reposts` reposts.
fn corpus(seed: u64, per_subject: usize, reposts: usize, edits: Edits) -> Vec<Doc> {
    let mut rng = Rng(seed);
    let mut texts: Vec<Text> = Vec::new();
    for i in 0..per_subject * SUBJECTS.len() {
        let text = base_text(&mut rng, i % SUBJECTS.len(), &texts);
        texts.push(text);
    }
    let mut docs = Vec::new();
    for (group, text) in texts.iter().enumerate() {
        docs.push(Doc { group, subject: text.subject, base: true, body: text.body() });
        for _ in 0..reposts {
            let body = repost(&mut rng, text, edits);
            docs.push(Doc { group, subject: text.subject, base: false, body });
        }
    }
    docs
}

fn fingerprints(docs: &[Doc]) -> Vec<Fingerprint> {
    docs.iter().map(|d| fingerprint(&d.body)).collect()
}

/// Whether LSH makes the two fingerprints candidates: equal in a whole band.
fn shares_band(a: &Fingerprint, b: &Fingerprint, rows: usize) -> bool {
    a.hashes.chunks_exact(rows).zip(b.hashes.chunks_exact(rows)).any(|(x, y)| x == y)
}

/// Pair counts: the pairs of one base text's versions are reprises; pairs
/// of versions of two base texts on the same subject are not (pairs
/// across subjects, easier still, are left out).
#[derive(Debug, Default)]
struct Pairs {
    base_repost: (usize, usize),
    repost_repost: (usize, usize),
    distinct: (usize, usize),
}

impl Pairs {
    fn count(docs: &[Doc], mut found: impl FnMut(usize, usize) -> bool) -> Pairs {
        let mut pairs = Pairs::default();
        for i in 0..docs.len() {
            for j in i + 1..docs.len() {
                let (a, b) = (&docs[i], &docs[j]);
                if a.subject != b.subject {
                    continue;
                }
                let bin = if a.group != b.group {
                    &mut pairs.distinct
                } else if a.base || b.base {
                    &mut pairs.base_repost
                } else {
                    &mut pairs.repost_repost
                };
                bin.0 += 1;
                bin.1 += usize::from(found(i, j));
            }
        }
        pairs
    }

    fn precision(&self) -> f64 {
        let tp = self.base_repost.1 + self.repost_repost.1;
        tp as f64 / (tp + self.distinct.1).max(1) as f64
    }

    fn recall(&self) -> f64 {
        (self.base_repost.1 + self.repost_repost.1) as f64
            / (self.base_repost.0 + self.repost_repost.0) as f64
    }

    fn summary(&self) -> String {
        format!(
            "precision {:.4}, recall {:.4} (base–repost {}/{}, repost–repost {}/{}, distinct wrongly \
             joined {}/{})",
            self.precision(),
            self.recall(),
            self.base_repost.1,
            self.base_repost.0,
            self.repost_repost.1,
            self.repost_repost.0,
            self.distinct.1,
            self.distinct.0
        )
    }
}

const EVAL_SEED: u64 = 20_240_917;

/// The measure: pairs found directly (LSH candidates that pass
/// [`is_reprise`]) and pairs put in the same cluster by [`Reprises`].
fn measure(edits: Edits, seed: u64) -> (Pairs, Pairs) {
    let docs = corpus(seed, 13, 4, edits);
    let fingerprints = fingerprints(&docs);
    let direct = Pairs::count(&docs, |i, j| {
        let (a, b) = (&fingerprints[i], &fingerprints[j]);
        shares_band(a, b, ROWS) && is_reprise(a, b)
    });
    let mut reprises = Reprises::new();
    for (i, fingerprint) in fingerprints.iter().enumerate() {
        reprises.insert(&format!("{i:04}"), *fingerprint, None);
    }
    let cluster: Vec<String> = (0..docs.len()).map(|i| reprises.original(&format!("{i:04}"))).collect();
    let clustered = Pairs::count(&docs, |i, j| cluster[i] == cluster[j]);
    (direct, clustered)
}

/// 52 base texts (4 subjects × 13) of 250–600 words, 4 reposts each:
/// 208 base–repost and 312 repost–repost pairs, 7 800 pairs of distinct
/// texts on the same subject. Asserted with the brief's edits; the
/// harder variants are printed.
#[test]
fn precision_and_recall_on_generated_reposts() {
    let (direct, clustered) = measure(Edits::Brief, EVAL_SEED);
    println!("reprises, {}: pairs {}", Edits::Brief.name(), direct.summary());
    println!("reprises, {}: clusters {}", Edits::Brief.name(), clustered.summary());
    assert!(direct.base_repost.0 >= 200 && direct.distinct.0 >= 200, "{direct:?}");
    assert!(direct.precision() >= 0.95 && direct.recall() >= 0.90, "{direct:?}");
    assert!(clustered.precision() >= 0.95 && clustered.recall() >= 0.90, "{clustered:?}");
    for (edits, seed) in [(Edits::Stress, EVAL_SEED + 1), (Edits::Excerpt, EVAL_SEED + 2)] {
        let (direct, clustered) = measure(edits, seed);
        println!("reprises, {}: pairs {}", edits.name(), direct.summary());
        println!("reprises, {}: clusters {}", edits.name(), clustered.summary());
        assert!(direct.precision() >= 0.95 && clustered.precision() >= 0.95, "{direct:?}");
    }
}

/// The figures behind the parameters: exact Jaccard and containment of
/// the shingle sets for several shingle sizes, then the decision rules.
/// `cargo test --lib reprises_parameter_sweep -- --ignored --nocapture`
#[test]
#[ignore = "prints a table for tuning"]
fn reprises_parameter_sweep() {
    fn quantiles(mut v: Vec<f64>) -> String {
        v.sort_by(f64::total_cmp);
        let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
        format!(
            "min {:.3} p1 {:.3} p5 {:.3} p50 {:.3} p95 {:.3} p99 {:.3} max {:.3}",
            q(0.0),
            q(0.01),
            q(0.05),
            q(0.5),
            q(0.95),
            q(0.99),
            q(1.0)
        )
    }
    let runs = [
        (Edits::Brief, EVAL_SEED),
        (Edits::Stress, EVAL_SEED + 1),
        (Edits::Excerpt, EVAL_SEED + 2),
        (Edits::Brief, 7),
        (Edits::Stress, 8),
    ];
    for (edits, seed) in runs {
        let docs = corpus(seed, 13, 4, edits);
        let terms: Vec<Vec<u64>> = docs.iter().map(|d| words_of(&d.body)).collect();
        let words: Vec<usize> = docs.iter().map(|d| words(&d.body)).collect();
        println!("== {} (seed {seed}) ==", edits.name());
        println!("words {}", quantiles(words.iter().map(|&w| w as f64).collect()));
        for k in [3, 4, 5, 6, 8] {
            let sets: Vec<FxHashSet<u64>> = terms.iter().map(|t| shingles(t, k).collect()).collect();
            let (mut pj, mut pc, mut nj, mut nc) = (vec![], vec![], vec![], vec![]);
            for i in 0..docs.len() {
                for j in i + 1..docs.len() {
                    if docs[i].subject != docs[j].subject {
                        continue;
                    }
                    let inter = sets[i].intersection(&sets[j]).count() as f64;
                    let union = (sets[i].len() + sets[j].len()) as f64 - inter;
                    let small = sets[i].len().min(sets[j].len()) as f64;
                    if docs[i].group == docs[j].group {
                        pj.push(inter / union);
                        pc.push(inter / small);
                    } else {
                        nj.push(inter / union);
                        nc.push(inter / small);
                    }
                }
            }
            println!("k={k} reprises jaccard    {}", quantiles(pj));
            println!("k={k} distinct jaccard    {}", quantiles(nj));
            println!("k={k} reprises containment {}", quantiles(pc));
            println!("k={k} distinct containment {}", quantiles(nc));
        }
        let fingerprints = fingerprints(&docs);
        for rows in [1, 2, 4] {
            let pairs = Pairs::count(&docs, |i, j| shares_band(&fingerprints[i], &fingerprints[j], rows));
            println!("rows={rows} bands={} LSH candidates: {}", HASHES / rows, pairs.summary());
        }
        for t in [0.15, 0.2, 0.25, 0.3, 0.35, 0.4] {
            let pairs = Pairs::count(&docs, |i, j| similarity(&fingerprints[i], &fingerprints[j]) >= t);
            println!("jaccard ≥ {t}: {}", pairs.summary());
        }
        for floor in [0.1, 0.15, 0.2] {
            for t in [0.3, 0.35, 0.4, 0.45, 0.5, 0.6] {
                let pairs = Pairs::count(&docs, |i, j| {
                    let (a, b) = (&fingerprints[i], &fingerprints[j]);
                    containment(a, b) >= t && similarity(a, b) >= floor
                });
                println!("containment ≥ {t} and jaccard ≥ {floor}: {}", pairs.summary());
            }
        }
    }
}

/// Sentences of one subject, for hand-built overlapping bodies.
fn sentences(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut used = FxHashSet::default();
    (0..count).map(|_| sentence(&mut rng, &DATA_CENTERS, &mut used)).collect()
}

fn fp(text: &str) -> Fingerprint {
    fingerprint(text)
}

#[test]
fn incremental_insert_compares_only_candidates() {
    // 100 base texts and 4 reposts each: 500 fingerprints.
    let docs = corpus(EVAL_SEED + 10, 25, 4, Edits::Brief);
    assert_eq!(docs.len(), 500);
    let fingerprints = fingerprints(&docs);
    let mut reprises = Reprises::new();
    for (i, fingerprint) in fingerprints.iter().enumerate() {
        reprises.insert(&format!("{i:03}"), *fingerprint, None);
    }
    let n = docs.len() as u64;
    let all_pairs = n * (n - 1) / 2;
    println!(
        "reprises, incremental: {} comparisons for {n} insertions ({all_pairs} pairs, n² = {})",
        reprises.comparisons(),
        n * n
    );
    assert!(reprises.comparisons() * 10 < all_pairs, "{} comparisons", reprises.comparisons());
    assert_eq!(reprises.len(), 500);
    let clusters = reprises.clusters();
    let exact = clusters
        .iter()
        .filter(|c| {
            let group = docs[c[0].parse::<usize>().unwrap()].group;
            c.len() == 5 && c.iter().all(|id| docs[id.parse::<usize>().unwrap()].group == group)
        })
        .count();
    assert!(exact >= 95, "{exact} of 100 clusters exactly right");

    // The same articles in another order give the same clusters.
    let mut reversed = Reprises::new();
    for (i, fingerprint) in fingerprints.iter().enumerate().rev() {
        reversed.insert(&format!("{i:03}"), *fingerprint, None);
    }
    assert_eq!(reversed.clusters(), clusters);

    // In bulk: the same clusters.
    let id = |i: usize| format!("{i:03}");
    let entries = |range: std::ops::Range<usize>| -> Vec<Entry> {
        range.map(|i| (id(i), fingerprints[i], None)).collect()
    };
    assert_eq!(Reprises::from_articles(entries(0..500)).clusters(), clusters);

    // Bulk, then one by one: the articles inserted later meet those of the bulk.
    let mut mixed = Reprises::from_articles(entries(0..400));
    for (i, fingerprint) in fingerprints.iter().enumerate().skip(400) {
        mixed.insert(&id(i), *fingerprint, None);
    }
    assert_eq!(mixed.clusters(), clusters);
    // Removals reach both kinds of buckets, and an id given again replaces its article.
    for i in (0..500).step_by(7) {
        mixed.remove(&id(i));
    }
    mixed.insert(&id(3), fingerprints[4], None);
    let mut rest = entries(0..500);
    rest.retain(|(name, _, _)| name.parse::<usize>().unwrap() % 7 != 0);
    rest.push((id(3), fingerprints[4], None));
    assert_eq!(mixed.clusters(), Reprises::from_articles(rest).clusters());
    assert_eq!(mixed.len(), 500 - 72);
}

#[test]
fn removing_the_link_of_a_chain_splits_it() {
    // a and b share 7 sentences, b and c 7 others, a and c none.
    let s = sentences(1, 30);
    let a = s[0..14].join(" ");
    let b = s[7..22].join(" ");
    let c = s[15..30].join(" ");
    let (fa, fb, fc) = (fp(&a), fp(&b), fp(&c));
    assert!(is_reprise(&fa, &fb) && is_reprise(&fb, &fc) && !is_reprise(&fa, &fc));
    let mut reprises = Reprises::new();
    reprises.insert("a", fa, Some(30));
    reprises.insert("c", fc, Some(10));
    assert_eq!(reprises.cluster_of("a"), ["a"]);
    reprises.insert("b", fb, Some(20));
    assert_eq!(reprises.cluster_of("a"), ["c", "b", "a"]);
    assert_eq!(reprises.original("a"), "c");
    assert_eq!(reprises.clusters(), [["c", "b", "a"]]);

    reprises.remove("b");
    assert_eq!(reprises.cluster_of("a"), ["a"]);
    assert_eq!(reprises.cluster_of("c"), ["c"]);
    assert_eq!(reprises.cluster_of("b"), ["b"], "an unknown id is its own cluster");
    assert!(reprises.clusters().is_empty());
    assert_eq!(reprises.len(), 2);

    // Back, then replaced by an unrelated text: the chain breaks again.
    reprises.insert("b", fb, Some(20));
    assert_eq!(reprises.cluster_of("c").len(), 3);
    reprises.insert("b", fp(&sentences(99, 20).join(" ")), Some(20));
    assert_eq!(reprises.cluster_of("a"), ["a"]);
    assert_eq!(reprises.len(), 3);

    // Removing a member that does not hold the cluster together keeps the rest.
    let d = s[0..16].join(" ");
    reprises.insert("d", fp(&d), Some(40));
    reprises.insert("e", fp(&s[2..15].join(" ")), None);
    assert_eq!(reprises.cluster_of("a"), ["a", "d", "e"], "by date (30, 40), undated last");
    reprises.remove("e");
    assert_eq!(reprises.cluster_of("d"), ["a", "d"]);
}

#[test]
fn original_is_the_earliest_then_ties_and_undated_by_id() {
    let body = sentences(2, 20).join(" ");
    let mut reprises = Reprises::new();
    for (id, published) in [("x", None), ("m", Some(5)), ("k", Some(5)), ("z", Some(1)), ("a", None)] {
        reprises.insert(id, fp(&body), published);
    }
    assert_eq!(reprises.cluster_of("a"), ["z", "k", "m", "a", "x"]);
    assert_eq!(reprises.original("x"), "z");
    reprises.remove("z");
    assert_eq!(reprises.original("x"), "k");
    assert_eq!(reprises.clusters(), [["k", "m", "a", "x"]]);
}

#[test]
fn short_bodies_are_never_clustered() {
    let short = "Le projet de data center de Grenoble consommerait 300 000 mètres cubes d’eau \
                 par an, selon le collectif, qui demande un moratoire immédiat et un débat public.";
    let f = fp(short);
    assert!(f.shingles > 0 && f.shingles < MIN_SHINGLES, "{} shingles", f.shingles);
    assert!(!f.is_clusterable() && !is_reprise(&f, &f));
    assert_eq!(similarity(&f, &f), 1.0);
    let mut reprises = Reprises::new();
    reprises.insert("a", f, None);
    reprises.insert("b", f, None);
    assert_eq!(reprises.cluster_of("a"), ["a"]);
    assert!(reprises.clusters().is_empty());

    let empty = fp("");
    assert_eq!(empty.shingles, 0);
    assert_eq!(similarity(&empty, &empty), 0.0);
    assert_eq!(containment(&empty, &empty), 0.0);
}

#[test]
fn typography_does_not_change_the_fingerprint() {
    let body = sentences(3, 20).join(" ") + " « L’œuvre », dit-elle : « À Échirolles aussi ».";
    let retyped = body
        .replace('’', "'")
        .replace("« ", "\"")
        .replace(" »", "\"")
        .replace('œ', "oe")
        .replace('À', "A")
        .replace('É', "E")
        .replace(" :", "\u{a0}:")
        .replace(". ", ".\n\n");
    assert_ne!(body, retyped);
    assert_eq!(fp(&body), fp(&retyped));
    assert_eq!(fp(&body), fp(&body.to_uppercase()));
}

#[test]
fn fingerprints_are_stable() {
    // Pinned: a change here invalidates every saved fingerprint (bump FORMAT).
    let f = fp(GOLDEN_TEXT);
    assert_eq!(f.shingles, GOLDEN_SHINGLES);
    assert_eq!(f.hashes[..4], GOLDEN_HASHES);
}

const GOLDEN_TEXT: &str = "Le tribunal administratif examinera le 12 mars le recours des riverains \
    contre l’extension du centre de données. Ils contestent l’étude d’impact, muette sur les \
    prélèvements d’eau en été, et rappellent que la nappe a atteint l’an dernier son plus bas \
    niveau depuis trente ans. Le préfet, lui, juge le projet « d’intérêt public majeur » et \
    promet que les serveurs seront refroidis en circuit fermé.";
const GOLDEN_SHINGLES: u32 = 32;
const GOLDEN_HASHES: [u16; 4] = [57_694, 22_978, 57_694, 13_639];

#[test]
fn similarity_estimates_jaccard() {
    let s = sentences(5, 40);
    let a = fp(&s[0..30].join(" "));
    let b = fp(&s[10..40].join(" "));
    // Exact Jaccard of the shingle sets, against the MinHash estimate.
    let set = |text: &str| -> FxHashSet<u64> { shingles(&words_of(text), SHINGLE).collect() };
    let (x, y) = (set(&s[0..30].join(" ")), set(&s[10..40].join(" ")));
    let exact = x.intersection(&y).count() as f64 / x.union(&y).count() as f64;
    let estimate = similarity(&a, &b);
    assert!((estimate - exact).abs() < 0.15, "estimate {estimate}, exact {exact}");
    assert_eq!(similarity(&a, &a), 1.0);
    assert!(containment(&a, &b) >= similarity(&a, &b));
    assert!(is_reprise(&a, &b));
    let c = fp(&sentences(6, 30).join(" "));
    assert!(!is_reprise(&a, &c), "jaccard {}", similarity(&a, &c));
}

#[test]
fn saved_clusters_read_alone_give_the_same_clusters() {
    let body = sentences(3, 20).join(" ");
    let mut reprises = Reprises::new();
    reprises.insert("b", fp(&body), Some(2));
    reprises.insert("a", fp(&body), Some(1));
    reprises.insert("c", fp(&sentences(4, 20).join(" ")), Some(3));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clusters.json");
    reprises.save_clusters(&path).unwrap();
    let clusters = Clusters::load(&path).unwrap();
    assert_eq!(clusters.clusters(), reprises.clusters());
    assert_eq!(clusters.cluster_of("b"), ["a", "b"]);
    assert_eq!(clusters.cluster_of("c"), ["c"]);
    assert!(Clusters::load(&dir.path().join("none.json")).unwrap().is_empty());
}

#[test]
fn save_and_load_keep_fingerprints_and_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state").join("reprises.bin");
    assert!(Reprises::load(&path).unwrap().is_none(), "a missing file: fingerprint again");

    let s = sentences(7, 30);
    let mut reprises = Reprises::new();
    reprises.insert("b", fp(&s[0..25].join(" ")), Some(200));
    reprises.insert("a", fp(&s[3..30].join(" ")), Some(100));
    reprises.insert("lone", fp(&sentences(8, 20).join(" ")), None);
    reprises.insert("tiny", fp("Deux mots."), None);
    reprises.save(&path).unwrap();
    let loaded = Reprises::load(&path).unwrap().unwrap();
    assert_eq!(loaded.len(), 4);
    assert_eq!(loaded.clusters(), [["a", "b"]]);
    assert_eq!(loaded.cluster_of("lone"), ["lone"]);
    for id in ["a", "b", "lone", "tiny"] {
        assert_eq!(loaded.fingerprint(id), reprises.fingerprint(id));
    }
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() < 4 * 300, "{} bytes", bytes.len());
    loaded.save(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the output is deterministic");

    // Written with other parameters: not loaded, to be fingerprinted again.
    let other = [b"veille-reprises-2\n".as_slice(), &bytes[FORMAT.len() + 1..]].concat();
    std::fs::write(&path, other).unwrap();
    assert!(Reprises::load(&path).unwrap().is_none());
    let mut seeded = bytes.clone();
    seeded[FORMAT.len() + 9] ^= 1;
    std::fs::write(&path, seeded).unwrap();
    assert!(Reprises::load(&path).unwrap().is_none(), "another seed");
    // Damaged: an error that says where.
    std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
    let error = Reprises::load(&path).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert!(error.to_string().contains("truncated at byte"), "{error}");
    std::fs::write(&path, "garbage").unwrap();
    assert!(Reprises::load(&path).unwrap_err().to_string().contains("not a file of fingerprints"));
    std::fs::write(&path, [bytes.as_slice(), b"x"].concat()).unwrap();
    assert!(Reprises::load(&path).unwrap_err().to_string().contains("1 bytes after the last article"));
}
