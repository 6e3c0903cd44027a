//! Fictional men's names in the town's mix (British, Polish, Romanian,
//! Lithuanian, Portuguese, South Asian), with diacritics, for the demo data
//! (`kerbside seed-demo`) and the benchmarks.
//! Each origin has a short list of common surnames carried by a share of its
//! men (roughly as in life: the fifty commonest British surnames cover about
//! a fifth of people, Smith alone about 1 %, while Silva, Santos, Khan or
//! Ahmed are far commoner within their communities) and a long tail built
//! from parts, as many real surnames are (Ash + ford, Wasil + ewicz,
//! Dobr + escu). A generator with a few hundred names shared by everyone
//! would give a town where every third man has a namesake.

/// A small deterministic generator: the same seed gives the same town.
pub struct Lcg(pub u64);

impl Lcg {
    /// A generator of its own for item `index` of stream `stream` under
    /// `seed`: the same draws whatever order the items are worked in.
    pub fn stream(seed: u64, stream: u64, index: usize) -> Lcg {
        let mut r = Lcg(seed
            ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (index as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F));
        r.draw();
        r
    }
    /// The next number.
    pub fn draw(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// A number from 0 to `n - 1`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.draw() as usize) % n.max(1)
    }
    /// Any one of `xs`, all equally likely.
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    /// Earlier entries more likely: the first of 50 about 5 % of picks, the
    /// last about 1 %.
    pub fn pick_common<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        let u = (self.draw() % 1_000_000) as f64 / 1_000_000.0;
        let i = (xs.len() as f64 * u.powf(1.3)) as usize;
        xs[i.min(xs.len() - 1)]
    }
    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.draw() % 100 < percent
    }
}

struct Origin {
    share: u64,
    common_surnames: &'static [&'static str],
    stems: &'static [&'static str],
    endings: &'static [&'static str],
    forenames: &'static [&'static str],
    /// How many men in a hundred carry two surnames.
    two_surnames: u64,
    /// How many men in a hundred carry one of the common surnames.
    common: u64,
}

const ORIGINS: &[Origin] = &[
    Origin {
        share: 55,
        common_surnames: &[
            "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
            "Hall", "Wood", "Jackson", "Clarke", "Harris", "Lewis", "Turner", "Hill", "Cooper",
            "Ward", "Morris", "King", "Baker", "Harrison", "Morgan", "Allen", "Scott", "Young",
            "Mitchell", "Martin", "Carter", "Phillips", "Bennett", "Shaw", "Cook", "Parker",
            "Bailey", "Collins", "Murphy", "Kelly", "O'Brien", "Stewart", "Fraser", "Grant",
        ],
        stems: &[
            "Ash", "Brad", "Black", "Brook", "Bur", "Cal", "Chat", "Clay", "Cran", "Dun", "East",
            "Fair", "Far", "Green", "Hal", "Hart", "Hay", "Hol", "Horn", "Kings", "Lang", "Lind",
            "Mar", "Mid", "Mill", "Mor", "New", "North", "Oak", "Pen", "Ray", "Red", "Rock",
            "Sand", "Shel", "Stan", "Stock", "Sut", "Thorn", "Wal", "Wel", "West", "Whit", "Wood",
            "Bar", "Crow", "Dal", "Ever", "Fen", "Gar",
        ],
        endings: &[
            "ley", "ton", "ford", "field", "wood", "worth", "well", "ham", "by", "don", "more",
            "stone", "ridge", "bury", "dale", "hurst", "shaw", "wick", "combe", "brook",
        ],
        forenames: &[
            "John",
            "David",
            "Michael",
            "Paul",
            "Andrew",
            "Mark",
            "James",
            "Peter",
            "Richard",
            "Stephen",
            "Robert",
            "Christopher",
            "Ian",
            "Gary",
            "Steven",
            "Kevin",
            "Anthony",
            "Simon",
            "Martin",
            "Thomas",
            "Daniel",
            "Neil",
            "Darren",
            "Lee",
            "Craig",
            "Jason",
            "Matthew",
            "Wayne",
            "Dean",
            "Stuart",
            "Graham",
            "Philip",
            "Keith",
            "Colin",
            "Brian",
            "Alan",
            "Shaun",
            "Carl",
            "Adam",
            "Nicholas",
            "Jonathan",
            "Scott",
            "Ryan",
            "Liam",
            "Ben",
            "Sam",
            "Luke",
            "Jamie",
            "Geoffrey",
            "Trevor",
        ],
        two_surnames: 0,
        common: 20,
    },
    Origin {
        share: 12,
        common_surnames: &[
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kowalczyk",
            "Kamiński",
            "Lewandowski",
            "Zieliński",
            "Szymański",
            "Woźniak",
            "Dąbrowski",
            "Kozłowski",
            "Jankowski",
            "Mazur",
            "Kwiatkowski",
            "Krawczyk",
            "Piotrowski",
            "Grabowski",
            "Nowakowski",
            "Pawłowski",
        ],
        stems: &[
            "Wasil", "Zaj", "Krol", "Jabłoń", "Wróbl", "Maj", "Olszew", "Jaworsk", "Malin", "Stęp",
            "Górs", "Rutk", "Michal", "Sikor", "Baran", "Duda", "Szewcz", "Tomasz", "Pietrz",
            "Wieczor", "Jasiń", "Zalew", "Kubiak", "Wilcz", "Kaczmar",
        ],
        endings: &["ski", "czyk", "ak", "ewicz", "owski", "ek", "iński"],
        forenames: &[
            "Piotr",
            "Krzysztof",
            "Andrzej",
            "Tomasz",
            "Paweł",
            "Michał",
            "Marcin",
            "Jakub",
            "Łukasz",
            "Grzegorz",
            "Mateusz",
            "Adam",
            "Marek",
            "Dariusz",
            "Wojciech",
            "Kamil",
            "Rafał",
            "Sławomir",
            "Zbigniew",
            "Przemysław",
            "Bartłomiej",
            "Dawid",
        ],
        two_surnames: 0,
        common: 15,
    },
    Origin {
        share: 8,
        common_surnames: &[
            "Popa",
            "Popescu",
            "Ionescu",
            "Pop",
            "Radu",
            "Dumitru",
            "Stan",
            "Stoica",
            "Gheorghe",
            "Matei",
            "Ciobanu",
            "Rusu",
            "Munteanu",
            "Constantin",
            "Marin",
            "Tudor",
            "Moldovan",
        ],
        stems: &[
            "Pîrv", "Dobr", "Florea", "Văduv", "Nistor", "Ungur", "Neagu", "Lazăr", "Preda",
            "Dinc", "Bălan", "Mocanu", "Țăran", "Sârb", "Oprea", "Mihail", "Vasil", "Ștef",
        ],
        endings: &["escu", "eanu", "ică", "aru", "ache", "oiu"],
        forenames: &[
            "Ion",
            "Ionuț",
            "Andrei",
            "Alexandru",
            "Mihai",
            "Constantin",
            "Florin",
            "Gheorghe",
            "Marian",
            "Adrian",
            "Cristian",
            "Daniel",
            "Vasile",
            "Nicolae",
            "Ștefan",
            "Bogdan",
            "Cătălin",
            "Sorin",
            "Răzvan",
            "Dumitru",
        ],
        two_surnames: 0,
        common: 25,
    },
    Origin {
        share: 6,
        common_surnames: &[
            "Kazlauskas",
            "Jankauskas",
            "Petrauskas",
            "Stankevičius",
            "Vasiliauskas",
            "Žukauskas",
            "Butkus",
            "Paulauskas",
            "Urbonas",
            "Kavaliauskas",
        ],
        stems: &[
            "Balt",
            "Grigal",
            "Jurgel",
            "Kairi",
            "Lauk",
            "Mačiul",
            "Norkev",
            "Pranck",
            "Rimk",
            "Sadausk",
            "Tamošaitk",
            "Valanč",
            "Žemait",
            "Bernot",
            "Dambr",
        ],
        endings: &["as", "is", "us", "ūnas", "ienis", "evičius", "auskas"],
        forenames: &[
            "Tomas",
            "Mantas",
            "Darius",
            "Andrius",
            "Mindaugas",
            "Paulius",
            "Giedrius",
            "Vytautas",
            "Jonas",
            "Rimantas",
            "Saulius",
            "Žygimantas",
            "Arūnas",
            "Kęstutis",
        ],
        two_surnames: 0,
        common: 10,
    },
    Origin {
        share: 7,
        common_surnames: &[
            "Silva",
            "Santos",
            "Ferreira",
            "Pereira",
            "Oliveira",
            "Costa",
            "Rodrigues",
            "Martins",
            "Sousa",
            "Fernandes",
            "Gonçalves",
            "Gomes",
            "Lopes",
            "Marques",
            "Alves",
            "Almeida",
            "Ribeiro",
            "Pinto",
            "Carvalho",
            "Teixeira",
        ],
        stems: &[
            "Mour", "Cardos", "Correi", "Mendes", "Nunes", "Vieir", "Monteir", "Batist", "Freitas",
            "Cunh", "Macedo", "Rocha", "Coelh", "Araúj", "Barbos",
        ],
        endings: &["a", "o", "es", "inho", "eira"],
        forenames: &[
            "João",
            "José",
            "António",
            "Manuel",
            "Francisco",
            "Pedro",
            "Paulo",
            "Luís",
            "Carlos",
            "Rui",
            "Nuno",
            "Tiago",
            "Bruno",
            "Ricardo",
            "Miguel",
            "Hugo",
            "André",
            "Sérgio",
            "Fábio",
            "Gonçalo",
        ],
        two_surnames: 30,
        common: 50,
    },
    Origin {
        share: 12,
        common_surnames: &[
            "Khan",
            "Ahmed",
            "Ali",
            "Hussain",
            "Patel",
            "Begum",
            "Rahman",
            "Islam",
            "Shah",
            "Iqbal",
            "Akhtar",
            "Mahmood",
            "Singh",
            "Kaur",
            "Uddin",
            "Miah",
            "Chowdhury",
            "Malik",
            "Rashid",
            "Aziz",
        ],
        stems: &[
            "Qures", "Siddiq", "Bhatt", "Choud", "Mirz", "Sheikh", "Ans", "Hashm", "Naq", "Raz",
            "Kapoor", "Sharm", "Gupt", "Mehr", "Desa", "Joshi", "Nazir", "Anwar",
        ],
        endings: &["i", "a", "ari", "ullah", "uddin", "ani"],
        forenames: &[
            "Mohammed", "Muhammad", "Ahmed", "Ali", "Imran", "Tariq", "Asif", "Nadeem", "Zahid",
            "Shahid", "Abdul", "Yusuf", "Ibrahim", "Hassan", "Bilal", "Kamran", "Faisal", "Rajesh",
            "Sanjay", "Amit", "Harpreet", "Gurpreet", "Sukhdev", "Rahul", "Arjun",
        ],
        two_surnames: 0,
        common: 50,
    },
];

/// A man's name: surname and forenames as the police would record them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub surname: String,
    pub forenames: String,
}

/// One fictional man's name from the town's mix.
pub fn name(r: &mut Lcg) -> Name {
    let roll = r.below(100) as u64;
    let mut acc = 0;
    let origin = ORIGINS
        .iter()
        .find(|o| {
            acc += o.share;
            roll < acc
        })
        .unwrap_or(&ORIGINS[0]);
    let surname = if r.chance(origin.common) {
        r.pick_common(origin.common_surnames).to_string()
    } else {
        format!("{}{}", r.pick(origin.stems), r.pick(origin.endings))
    };
    // Portuguese men often carry two surnames
    let surname = if r.chance(origin.two_surnames) {
        format!("{} {}", r.pick(origin.common_surnames), surname)
    } else {
        surname
    };
    let first = r.pick_common(origin.forenames);
    let forenames = if r.chance(60) {
        let mut middle = r.pick(origin.forenames);
        while middle == first {
            middle = r.pick(ORIGINS[0].forenames);
        }
        format!("{first} {middle}")
    } else {
        first.to_string()
    };
    Name { surname, forenames }
}
