//! A seeded synthetic corpus with Dutch social-domain vocabulary and realistic field lengths.
//! The same seed gives the same corpus, so runs and peers compare like with like.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const THEMES: [&str; 16] = [
    "wonen",
    "zorg-gezondheid",
    "geldzaken",
    "werk-inkomen",
    "opvoeding-gezin",
    "leren-taal",
    "ontmoeting",
    "sport-bewegen",
    "kunst-cultuur",
    "mantelzorg",
    "vervoer",
    "veiligheid",
    "digitale-vaardigheden",
    "psychische-gezondheid",
    "juridisch-administratie",
    "natuur-duurzaamheid",
];
pub const WIJKEN: [&str; 9] = [
    "leusden-centrum",
    "hamersveld",
    "rozendaal",
    "de-tabaksteeg",
    "groenhouten",
    "de-munnikhove",
    "leusden-zuid",
    "achterveld",
    "stoutenburg",
];
pub const TALENTS: [&str; 16] = [
    "koken",
    "rijbewijs",
    "administratie",
    "computer",
    "klussen",
    "tuinieren",
    "creatief",
    "muziek",
    "sport",
    "lesgeven",
    "luisteren",
    "organiseren",
    "communicatie",
    "verzorgen",
    "kinderen",
    "talen",
];

const ACTIVITIES: [&str; 40] = [
    "hulp bij schulden",
    "budgetcoaching",
    "formulierenhulp",
    "taalcafé",
    "koffieochtend",
    "maaltijdservice",
    "eettafel",
    "wandelgroep",
    "beweegprogramma",
    "valpreventie",
    "mantelzorgondersteuning",
    "respijtzorg",
    "huiswerkbegeleiding",
    "opvoedondersteuning",
    "jongerenwerk",
    "computerles",
    "repair café",
    "buurtmoestuin",
    "kledingbank",
    "voedselbank",
    "thuisadministratie",
    "schuldhulpverlening",
    "rouwverwerking",
    "gesprekken bij somberheid",
    "dagbesteding",
    "vervoersdienst",
    "klusjesdienst",
    "energiecoaching",
    "peutergym",
    "zangkoor",
    "schilderclub",
    "fietsles",
    "zwemles",
    "boodschappenhulp",
    "bezoekdienst",
    "juridisch spreekuur",
    "sollicitatietraining",
    "digitale hulp",
    "natuurwerkdag",
    "spelmiddag",
];
const GROUPS: [&str; 14] = [
    "ouderen",
    "senioren",
    "jongeren",
    "kinderen",
    "ouders",
    "mantelzorgers",
    "nieuwkomers",
    "statushouders",
    "gezinnen",
    "vrijwilligers",
    "inwoners",
    "buurtbewoners",
    "alleenstaanden",
    "mensen met een beperking",
];
const WORDS: [&str; 122] = [
    "hulp",
    "ondersteuning",
    "advies",
    "gesprek",
    "samen",
    "buurt",
    "wijk",
    "thuis",
    "zorg",
    "gezondheid",
    "geld",
    "schulden",
    "rekeningen",
    "administratie",
    "formulieren",
    "werk",
    "inkomen",
    "uitkering",
    "toeslagen",
    "belasting",
    "eenzaamheid",
    "contact",
    "ontmoeting",
    "activiteit",
    "activiteiten",
    "vrijwilliger",
    "vrijwilligers",
    "begeleiding",
    "coach",
    "maatje",
    "taal",
    "lezen",
    "schrijven",
    "computer",
    "telefoon",
    "internet",
    "digid",
    "gemeente",
    "wijkteam",
    "huisarts",
    "praktijkondersteuner",
    "fysiotherapeut",
    "bewegen",
    "sport",
    "gezond",
    "eten",
    "koken",
    "maaltijd",
    "boodschappen",
    "vervoer",
    "rolstoel",
    "scootmobiel",
    "woning",
    "aanpassing",
    "huishouden",
    "schoonmaken",
    "tuin",
    "klussen",
    "reparatie",
    "fiets",
    "kinderen",
    "opvoeding",
    "school",
    "huiswerk",
    "jongeren",
    "ouders",
    "gezin",
    "baby",
    "peuters",
    "ouderen",
    "senioren",
    "dementie",
    "mantelzorger",
    "respijt",
    "logeren",
    "rust",
    "somber",
    "angst",
    "stress",
    "verdriet",
    "rouw",
    "verslaving",
    "veiligheid",
    "geweld",
    "huiselijk",
    "melding",
    "anoniem",
    "gratis",
    "aanmelden",
    "inloop",
    "spreekuur",
    "afspraak",
    "wekelijks",
    "maandelijks",
    "dinsdag",
    "donderdag",
    "ochtend",
    "middag",
    "avond",
    "dorpshuis",
    "buurthuis",
    "bibliotheek",
    "kerk",
    "sporthal",
    "zwembad",
    "park",
    "natuur",
    "duurzaam",
    "energie",
    "besparen",
    "kringloop",
    "kleding",
    "voedsel",
    "pakket",
    "cursus",
    "training",
    "workshop",
    "muziek",
    "zingen",
    "schilderen",
    "creatief",
    "spel",
];

pub struct SyntheticListing {
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub themes: Vec<&'static str>,
    pub wijken: Vec<&'static str>,
    pub whole: bool,
    pub min_age: i64,
    pub max_age: i64,
    pub cost: &'static str,
    pub commitment: Option<&'static str>,
    pub talents: Vec<&'static str>,
    pub organisation: i64,
    pub created_at: String,
}

/// A Zipf-distributed vocabulary: the domain words spread over the frequent ranks among
/// generated Dutch-looking filler words, as in real text where a word like "schulden" occurs
/// in a few percent of documents, not in all of them.
pub struct Vocabulary {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Vocabulary {
    pub fn new(seed: u64) -> Vocabulary {
        const SYLLABLES: [&str; 24] = [
            "ver", "be", "ge", "ont", "lan", "dorp", "stra", "ken", "wel", "tuin", "mar", "kel",
            "bro", "ster", "den", "hof", "lin", "ga", "ro", "te", "vel", "win", "zon", "berg",
        ];
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        let mut words: Vec<String> = Vec::new();
        let fillers = 6_000;
        let mut domain = WORDS.iter();
        for rank in 0..fillers + WORDS.len() {
            // Domain words take every 12th rank from rank 30 on.
            if rank >= 30
                && rank % 12 == 0
                && let Some(w) = domain.next()
            {
                words.push(w.to_string());
                continue;
            }
            let n = rng.random_range(2..5);
            let w: String = (0..n)
                .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
                .collect();
            words.push(w);
        }
        let weights: Vec<f64> = (1..=words.len()).map(|r| 1.0 / r as f64).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cdf = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Vocabulary { words, cdf }
    }

    fn word(&self, rng: &mut StdRng) -> &str {
        let x: f64 = rng.random();
        let i = self
            .cdf
            .partition_point(|c| *c < x)
            .min(self.words.len() - 1);
        &self.words[i]
    }
}

fn sentence(rng: &mut StdRng, vocabulary: &Vocabulary, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(vocabulary.word(rng));
    }
    s.push('.');
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

fn pick<T: Copy + PartialEq>(rng: &mut StdRng, from: &[T], n: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let x = from[rng.random_range(0..from.len())];
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

pub fn generate(n: usize, organisations: i64, seed: u64) -> impl Iterator<Item = SyntheticListing> {
    let mut rng = StdRng::seed_from_u64(seed);
    let vocabulary = Vocabulary::new(seed);
    (0..n).map(move |i| {
        let kind = match rng.random_range(0..10) {
            0..=4 => "voorziening",
            5..=7 => "initiatief",
            _ => "vacature",
        };
        let activity = ACTIVITIES[rng.random_range(0..ACTIVITIES.len())];
        let group = GROUPS[rng.random_range(0..GROUPS.len())];
        let wijk_label = WIJKEN[rng.random_range(0..WIJKEN.len())].replace('-', " ");
        let title = match rng.random_range(0..3) {
            0 => format!("{activity} voor {group}"),
            1 => format!("{activity} in {wijk_label}"),
            _ => format!("{activity} voor {group} in {wijk_label}"),
        };
        let title = {
            let mut c = title.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or(title)
        };
        let summary = format!(
            "{} {}",
            sentence(&mut rng, &vocabulary, 10),
            sentence(&mut rng, &vocabulary, 8)
        );
        let mut description = String::new();
        for _ in 0..rng.random_range(4..9) {
            let len = rng.random_range(8..16);
            description.push_str(&sentence(&mut rng, &vocabulary, len));
            description.push(' ');
        }
        let whole = rng.random_range(0..5) == 0;
        let n_wijken = if whole { 0 } else { rng.random_range(1..4) };
        let min_age = [0, 4, 12, 16, 18, 18, 18, 55, 65][rng.random_range(0..9)];
        let max_age = (min_age + [3, 8, 10, 30, 50, 120][rng.random_range(0..6)]).min(120);
        let vacancy = kind == "vacature";
        let n_themes = rng.random_range(1..3);
        let n_talents = rng.random_range(1..3);
        SyntheticListing {
            kind,
            title,
            summary,
            description: description.trim_end().to_string(),
            themes: pick(&mut rng, &THEMES, n_themes),
            wijken: pick(&mut rng, &WIJKEN, n_wijken),
            whole,
            min_age,
            max_age,
            cost: ["gratis", "gratis", "gratis", "kleine-bijdrage", "betaald"]
                [rng.random_range(0..5)],
            commitment: vacancy
                .then(|| ["eenmalig", "incidenteel", "wekelijks"][rng.random_range(0..3)]),
            talents: if vacancy {
                pick(&mut rng, &TALENTS, n_talents)
            } else {
                Vec::new()
            },
            organisation: 1 + (i as i64 % organisations),
            created_at: format!(
                "2026-{:02}-{:02}T{:02}:00:00.000Z",
                rng.random_range(1..11),
                rng.random_range(1..28),
                rng.random_range(0..24)
            ),
        }
    })
}
