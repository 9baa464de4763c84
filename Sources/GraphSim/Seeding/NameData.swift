/// Word lists the seeder draws realistic names, places and titles from.
enum NameData {
    static let firstNames = [
        "Adele", "Alex", "Allan", "Amara", "Ana", "Andre", "Anika", "Arjun", "Ben", "Bianca", "Carlos", "Chen",
        "Chloe", "Christie", "Daniel", "Debra", "Diego", "Elena", "Emily", "Enrico", "Fatima", "Felix", "Grady",
        "Hana", "Henrietta", "Hiroshi", "Ines", "Isaiah", "Ivan", "Jana", "Javier", "Johanna", "Joni", "Jordan",
        "Kai", "Karin", "Lars", "Layla", "Lee", "Leila", "Lidia", "Lukas", "Lynne", "Maya", "Megan", "Miriam",
        "Nadia", "Nestor", "Nia", "Noah", "Olga", "Omar", "Patti", "Pedro", "Pradeep", "Priya", "Quinn", "Rafael",
        "Raul", "Rina", "Rosa", "Sakura", "Samuel", "Sara", "Sven", "Tariq", "Thomas", "Uma", "Valentina", "Victor",
        "Wei", "Wilhelm", "Xavier", "Yara", "Yusuf", "Zoe", "Aisha", "Bruno", "Camille", "Dmitri", "Eva", "Farah",
        "Gustav", "Helena", "Ibrahim", "Julia", "Kenji", "Lucia", "Mateo", "Nora", "Oscar", "Paula", "Ravi",
        "Sofia", "Tomas", "Ursula", "Vera", "Walter", "Ximena", "Yuki",
    ]

    static let lastNames = [
        "Vance", "Wilber", "Deyoung", "Okafor", "Silva", "Fournier", "Berg", "Patel", "Walker", "Rossi", "Mendes",
        "Wang", "Martin", "Burke", "Kowalski", "Berry", "Hernandez", "Petrova", "Clarke", "Bianchi", "Haddad",
        "Schmidt", "Archie", "Sato", "Gerhart", "Tanaka", "Moreau", "Brooks", "Ivanov", "Novak", "Garcia", "Lund",
        "Sherman", "Reyes", "Nakamura", "Holm", "Mahmoud", "Jensen", "Kim", "Nasser", "Ortiz", "Weber", "Robbins",
        "Iyer", "Bowen", "Levy", "Rahman", "Celeste", "Adeyemi", "Dubois", "Romanova", "Farouk", "Johnson",
        "McKay", "Alvarez", "Kumar", "Sharma", "Tran", "Lopez", "Costa", "Nguyen", "Svensson", "Khan", "Becker",
        "Murphy", "Yamamoto", "Anders", "Popescu", "Cohen", "Fischer", "Li", "Zhang", "Santos", "O'Brien",
        "Eriksen", "Laine", "Horvat", "Papadopoulos", "Wojcik", "Smith", "Taylor", "Brown", "Wilson", "Evans",
        "Thomas", "Roberts", "Lewis", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clark", "Young",
        "King", "Wright", "Scott", "Baker", "Adams",
    ]

    static let departments: [(name: String, weight: Int, titles: [String])] = [
        ("Sales", 18, ["Account Executive", "Sales Manager", "Sales Representative", "Regional Sales Director"]),
        ("Marketing", 9, ["Marketing Manager", "Content Strategist", "Brand Manager", "Marketing Analyst"]),
        ("Engineering", 22, ["Software Engineer", "Senior Software Engineer", "Engineering Manager", "SRE",
                             "Principal Engineer"]),
        ("Finance", 7, ["Financial Analyst", "Accountant", "Controller", "Finance Manager"]),
        ("Human Resources", 5, ["HR Business Partner", "Recruiter", "HR Manager"]),
        ("Operations", 12, ["Operations Manager", "Logistics Coordinator", "Operations Analyst"]),
        ("Legal", 3, ["Counsel", "Paralegal", "General Counsel"]),
        ("IT", 8, ["IT Administrator", "Service Desk Analyst", "Security Engineer", "Identity Architect"]),
        ("Customer Support", 11, ["Support Engineer", "Support Manager", "Customer Success Manager"]),
        ("Research", 5, ["Research Scientist", "Data Scientist", "Research Lead"]),
    ]

    static let offices: [(city: String, state: String?, country: String, code: String, postal: String,
                          street: String, phonePrefix: String, language: String)] = [
        ("Redmond", "WA", "United States", "US", "98052", "1 Microsoft Way", "+1 425 555", "en-US"),
        ("New York", "NY", "United States", "US", "10001", "350 Fifth Avenue", "+1 212 555", "en-US"),
        ("London", nil, "United Kingdom", "GB", "EC1A 1BB", "10 Fleet Street", "+44 20 7946", "en-GB"),
        ("Berlin", nil, "Germany", "DE", "10115", "Invalidenstrasse 12", "+49 30 1234", "de-DE"),
        ("Paris", nil, "France", "FR", "75002", "8 Rue de la Paix", "+33 1 4455", "fr-FR"),
        ("Amsterdam", nil, "Netherlands", "NL", "1012 AB", "Damrak 70", "+31 20 555", "nl-NL"),
        ("Toronto", "ON", "Canada", "CA", "M5H 2N2", "100 King Street West", "+1 416 555", "en-CA"),
        ("Sydney", "NSW", "Australia", "AU", "2000", "1 Martin Place", "+61 2 5550", "en-AU"),
    ]

    static let projectWords = [
        "Atlas", "Beacon", "Comet", "Delta", "Ember", "Falcon", "Glacier", "Harbor", "Ion", "Juniper", "Kestrel",
        "Lumen", "Meridian", "Nimbus", "Orion", "Pioneer", "Quasar", "Redwood", "Summit", "Tidal", "Umbra",
        "Vertex", "Willow", "Zenith", "Aurora", "Basalt", "Cobalt", "Drift", "Echo", "Fjord",
    ]

    static let appNames = [
        "Expense Portal", "HR Onboarding", "Inventory API", "Customer Insights", "Payroll Sync", "Ticketing Bot",
        "Data Lake Ingest", "Sales Dashboard", "Contract Manager", "Build Agent", "Backup Automation",
        "Partner Portal", "Field Service App", "Mobile CRM", "Document Signing", "Learning Hub", "Time Tracking",
        "Asset Register", "Reporting Service", "Identity Governance Connector", "Knowledge Base", "Release Pipeline",
        "Monitoring Agent", "Procurement Workflow", "Travel Booking",
    ]

    static let galleryApps: [(name: String, publisher: String)] = [
        ("Salesforce", "Salesforce"), ("ServiceNow", "ServiceNow"), ("Zoom", "Zoom Video Communications"),
        ("Slack", "Slack Technologies"), ("Workday", "Workday"), ("Atlassian Cloud", "Atlassian"),
        ("Box", "Box"), ("DocuSign", "DocuSign"), ("AWS IAM Identity Center", "Amazon Web Services"),
        ("GitHub Enterprise Cloud", "GitHub"),
    ]

    static let deviceModels: [(os: String, version: String, manufacturer: String, model: String, weight: Int)] = [
        ("Windows", "10.0.22631.3447", "Microsoft Corporation", "Surface Laptop 5", 40),
        ("Windows", "10.0.19045.4291", "Dell Inc.", "Latitude 7440", 25),
        ("iOS", "17.4.1", "Apple", "iPhone 15", 12),
        ("Android", "14", "samsung", "SM-S911B", 10),
        ("MacMDM", "14.4.1", "Apple", "MacBook Pro", 8),
        ("Windows", "10.0.22621.3296", "Lenovo", "ThinkPad X1 Carbon Gen 11", 5),
    ]
}
