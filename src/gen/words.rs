//! Word lists for the generator: Danish-flavoured people, places and texts.
//!
//! Input: none (static data). Output: slices the writers pick from.
//! Invariants: every string is representable in Windows-1252 (one bundle
//! file is written in it); domains are `*.example` only; nothing here is a
//! real person, company, CVR or CPR number.

pub const FIRST_NAMES: &[&str] = &[
    "Søren",
    "Anna",
    "Mette",
    "Lars",
    "Jens",
    "Hanne",
    "Mikkel",
    "Åse",
    "Bjørn",
    "Kirsten",
    "Mads",
    "Freja",
    "Ida",
    "Emil",
    "Sofie",
    "Frederik",
    "Line",
    "Rasmus",
    "Camilla",
    "Anders",
    "Louise",
    "Jesper",
    "Maja",
    "Kasper",
    "Julie",
    "Christian",
    "Signe",
    "Morten",
    "Nanna",
    "Thomas",
    "Birgitte",
    "Henrik",
    "Pernille",
    "Niels",
    "Malene",
    "Ole",
    "Tove",
    "Jørgen",
    "Gitte",
    "Karsten",
    "Lærke",
    "Asger",
    "Astrid",
    "Troels",
    "Dorte",
    "Bo",
    "Rikke",
    "Kim",
    "Ulla",
    "Peter",
    "Lene",
    "Martin",
    "Susanne",
    "Michael",
    "Charlotte",
    "Jakob",
    "Helle",
    "Nikolaj",
    "Marianne",
    "Øjvind",
    "Jonas",
    "Emma",
    "Oliver",
    "Clara",
    "William",
    "Alma",
    "Noah",
    "Agnes",
    "Magnus",
    "Ellen",
    "Victor",
    "Karla",
    "Aksel",
    "Esther",
    "Villads",
    "Ingrid",
    "Halfdan",
    "Gry",
    "Sølvi",
    "Bent",
    "Yasmin",
    "Ahmad",
    "Fatima",
    "Piotr",
    "Agnieszka",
    "Zeynep",
    "René",
    "Andrés",
];

pub const LAST_NAMES: &[&str] = &[
    "Hansen",
    "Jensen",
    "Nielsen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Østergaard",
    "Lund",
    "Bjerregaard",
    "Holm",
    "Schmidt",
    "Dahl",
    "Bech",
    "Frandsen",
    "Søndergaard",
    "Kjær",
    "Nørgaard",
    "Lauridsen",
    "Knudsen",
    "Mikkelsen",
    "Vestergaard",
    "Skov",
    "Brøndum",
    "Bak",
    "Damgaard",
    "Juhl",
    "Højgaard",
    "Kragh",
    "Friis",
    "Ravn",
    "Lindberg",
    "Winther",
    "Bruun",
    "Nygaard",
    "Ågaard",
    "Dyrberg",
    "Nielsen-Holm",
    "Krogh-Jensen",
    "Sand",
    "Storm",
    "Thygesen",
    "Grønbæk",
    "Kirkegaard",
    "Borup",
    "Lykke",
    "Fog",
    "Iversen",
    "Eriksen",
    "Berg",
    "Bæk",
    "Kowalski",
    "Yilmaz",
    "Haddad",
    "Lindqvist",
];

pub const DEPARTMENTS: &[&str] = &[
    "Retail",
    "Logistik",
    "Lager",
    "Kundeservice",
    "Administration",
    "IT",
    "HR",
    "Salg",
    "Økonomi",
    "Produktion",
    "Marketing",
    "Café",
];

pub const TITLES: &[&str] = &[
    "Salgsassistent",
    "Lagermedarbejder",
    "Chauffør",
    "Deltidsansat",
    "Elev",
    "Kundekonsulent",
    "Barista",
    "Økonomimedarbejder",
    "IT-supporter",
    "Medarbejder",
    "Servicemedarbejder",
    "Truckfører",
];

pub const MANAGER_TITLES: &[&str] = &[
    "Butikschef",
    "Souschef",
    "Teamleder",
    "Afdelingsleder",
    "Driftschef",
];

/// (city, zip, region)
pub const CITIES_DK: &[(&str, &str, &str)] = &[
    ("København S", "2300", "Region Hovedstaden"),
    ("Frederiksberg", "2000", "Region Hovedstaden"),
    ("Hillerød", "3400", "Region Hovedstaden"),
    ("Helsingør", "3000", "Region Hovedstaden"),
    ("Roskilde", "4000", "Region Sjælland"),
    ("Næstved", "4700", "Region Sjælland"),
    ("Holbæk", "4300", "Region Sjælland"),
    ("Odense C", "5000", "Region Syddanmark"),
    ("Svendborg", "5700", "Region Syddanmark"),
    ("Esbjerg", "6700", "Region Syddanmark"),
    ("Kolding", "6000", "Region Syddanmark"),
    ("Vejle", "7100", "Region Syddanmark"),
    ("Aarhus C", "8000", "Region Midtjylland"),
    ("Herning", "7400", "Region Midtjylland"),
    ("Horsens", "8700", "Region Midtjylland"),
    ("Silkeborg", "8600", "Region Midtjylland"),
    ("Randers", "8900", "Region Midtjylland"),
    ("Viborg", "8800", "Region Midtjylland"),
    ("Aalborg", "9000", "Region Nordjylland"),
    ("Hjørring", "9800", "Region Nordjylland"),
];

pub const CITIES_SE: &[(&str, &str, &str)] = &[
    ("Malmö", "211 22", "Skåne"),
    ("Lund", "222 21", "Skåne"),
    ("Helsingborg", "252 25", "Skåne"),
    ("Göteborg", "411 05", "Västra Götaland"),
];

pub const CITIES_NO: &[(&str, &str, &str)] = &[
    ("Oslo", "0150", "Oslo"),
    ("Bergen", "5003", "Vestland"),
    ("Stavanger", "4006", "Rogaland"),
];

pub const STREETS: &[&str] = &[
    "Nørregade",
    "Østergade",
    "Vestergade",
    "Søndergade",
    "Algade",
    "Strøget",
    "Åboulevarden",
    "Ved Søerne",
    "Bispeengen",
    "Fælledvej",
    "Kongensgade",
    "Skovvej",
    "Møllevej",
    "Havnegade",
    "Engtoften",
    "Kirkestræde",
];

/// (brand, domain, site word, legal suffix)
pub const BRANDS: &[(&str, &str, &str, &str)] = &[
    ("Nordisk Retail", "nordiskretail.example", "Store", "A/S"),
    (
        "Nordisk Logistik",
        "nordisklogistik.example",
        "Lager",
        "ApS",
    ),
    ("Nordisk Café", "nordiskcafe.example", "Café", "ApS"),
    ("Nordisk Service", "nordiskservice.example", "Team", "A/S"),
    ("Nordisk Byg", "nordiskbyg.example", "Byggeplads", "A/S"),
];

/// (country name, ISO2, language, zone, calling code)
pub const COUNTRIES: &[(&str, &str, &str, &str, &str)] = &[
    ("Danmark", "DK", "da", "Europe/Copenhagen", "45"),
    ("Sverige", "SE", "sv", "Europe/Stockholm", "46"),
    ("Norge", "NO", "nb", "Europe/Oslo", "47"),
];

pub const TAGS: &[&str] = &[
    "leder",
    "førstehjælp",
    "nøglebærer",
    "onboarding-2024",
    "deltid",
    "tillidsrepræsentant",
    "sikkerhedsrepræsentant",
    "truckcertifikat",
    "ambassadør",
    "nyansat",
    "vikar",
    "elev",
];

pub const NEWS_TITLES: &[&str] = &[
    "Nyt fra ledelsen",
    "Velkommen til vores nye kolleger",
    "Julefrokost 2023",
    "Ny vagtplan fra uge 12",
    "Sommerfest i Aarhus",
    "Husk at registrere din ferie",
    "Kvartalsresultater Q1",
    "Ny kaffeautomat i kantinen",
    "Sikkerhed på lageret",
    "Opdatering om GDPR",
    "Kampagne: Sommerudsalg",
    "Vi fejrer 25 år",
];

pub const TRAINING_TITLES: &[&str] = &[
    "Onboarding – del 1",
    "Onboarding – del 2",
    "Førstehjælp basis",
    "GDPR for alle",
    "Kundeservice 101",
    "Truckcertifikat – teori",
    "Brandsikkerhed",
    "Hygiejne i caféen",
];

pub const SURVEY_TITLES: &[&str] = &[
    "Hvordan var din første uge?",
    "Evaluering af sommerfesten",
    "Medarbejdertilfredshed 2024",
];

pub const CATEGORIES: &[&str] = &[
    "News",
    "Nyheder",
    "HR",
    "Onboarding",
    "Sikkerhed",
    "Træning",
    "Kampagne",
];

pub const PREVIEWS: &[&str] = &[
    "Læs de vigtigste nyheder fra ugen, der gik.",
    "Her er alt, du skal vide før din første vagt.",
    "Tag quizzen og få point til din profil.",
    "Vi vil gerne høre din mening – det tager to minutter.",
];

pub const COMMENTS: &[&str] = &[
    "Super godt initiativ!",
    "Tak for info",
    "Hvornår starter det?",
    "Glæder mig!",
];

pub const PATH_NAMES: &[&str] = &[
    "Onboarding – Butiksmedarbejder",
    "Førstehjælp",
    "GDPR for alle",
    "Kundeservice 101",
    "Sikkerhed på lageret",
    "Lederudvikling",
    "Hygiejne og fødevaresikkerhed",
];

/// (category, question, answer type, scale max)
pub const PULSE_QUESTIONS: &[(&str, &str, &str, i64)] = &[
    (
        "Trivsel",
        "Hvordan har du haft det på arbejdet i denne uge?",
        "scale_1_10",
        10,
    ),
    (
        "Ledelse",
        "Får du den sparring, du har brug for, fra din leder?",
        "scale_1_5",
        5,
    ),
    (
        "Arbejdsmiljø",
        "Hvordan er stemningen på holdet?",
        "smiley_1_5",
        5,
    ),
    (
        "Udvikling",
        "Hvor sandsynligt er det, at du vil anbefale os som arbejdsplads?",
        "scale_0_10",
        10,
    ),
    (
        "Trivsel",
        "Er der noget, vi kan gøre bedre?",
        "open_text",
        0,
    ),
];

pub const OPEN_ANSWERS: &[&str] = &[
    "Mere tid til oplæring af nye kolleger.",
    "Bedre planlægning af vagter.",
    "Alt er godt.",
    "Kaffen kunne være bedre.",
    "Flere fælles arrangementer.",
];

pub const FEEDBACK_SUBJECTS: &[&str] = &[
    "Opfølgning på MUS",
    "Ugentlig 1:1",
    "Feedback på onboarding",
    "Status på mål",
    "Sparring om vagtplan",
];

pub const FEEDBACK_TEXTS: &[&str] = &[
    "Tak for en god snak. Vi aftalte at følge op om to uger.",
    "Du har gjort det rigtig godt med de nye kolleger.",
    "Lad os tale om dine ønsker til næste kvartal.",
    "Husk at booke kursus i førstehjælp.",
];

pub const TASK_SUBJECTS: &[&str] = &[
    "Opdater vagtplan",
    "Book førstehjælpskursus",
    "Følg op på pulsmåling",
    "Send velkomstmail",
    "Gennemgå sikkerhedsinstruks",
    "Bestil arbejdstøj",
    "Planlæg MUS-samtaler",
];

pub const ACTIVITY_SUBJECTS: &[&str] = &[
    "Opkald om vagtbytte",
    "Møde om onboarding",
    "Note fra MUS",
    "Mail om ferie",
    "SMS-påmindelse",
];

pub const OUTCOMES: &[&str] = &[
    "aftalt",
    "ingen svar",
    "løst",
    "følger op",
    "videresendt til HR",
];

pub const AUTOMATION_NAMES: &[&str] = &[
    "Onboarding-flow",
    "Påmindelse om træning",
    "Velkomst til nye kolleger",
    "Opfølgning efter quiz",
    "Fødselsdagshilsen",
    "Tilmelding til arrangement",
];

/// (file stem, extension, mime type)
pub const FILE_KINDS: &[(&str, &str, &str)] = &[
    ("Velkomstbrev", "pdf", "application/pdf"),
    ("Sikkerhedsinstruks – Lager", "pdf", "application/pdf"),
    ("Forsidebillede", "jpg", "image/jpeg"),
    ("Medarbejderhåndbog 2024", "pdf", "application/pdf"),
    ("Podcast afsnit", "mp3", "audio/mpeg"),
    ("Introduktionsvideo", "mp4", "video/mp4"),
    ("Holdbillede sommerfest", "jpg", "image/jpeg"),
];

/// ASCII spelling for e-mail local parts (`Søren Østergaard` → `soren.ostergaard`).
pub fn ascii_lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'æ' | 'Æ' => out.push_str("ae"),
            'ø' | 'Ø' | 'ö' | 'Ö' => out.push('o'),
            'å' | 'Å' => out.push_str("aa"),
            'é' | 'É' => out.push('e'),
            'ä' | 'Ä' => out.push('a'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            '-' => out.push('-'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_spelling() {
        assert_eq!(ascii_lower("Søren"), "soren");
        assert_eq!(ascii_lower("Ågaard"), "aagaard");
        assert_eq!(ascii_lower("Nielsen-Holm"), "nielsen-holm");
    }
}
