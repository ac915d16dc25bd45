"""Phrase banks, metrics, OKRs and capabilities for the four fictional sample organisations."""

# Quadrant keys used throughout: ff = factory_floor, ca = customer_activity,
# co = customer_outcome, br = business_result.

# Work answers are verb phrases in base form ("process claims"); success answers are noun
# phrases ("a clear queue by Friday") so both slot into many sentence frames.
PHRASES = {
    "insurance": {
        "work": {
            "ff": [
                "process new claims", "key claim forms into the system", "work through the claims queue",
                "check policy wording against the claim", "chase missing documents", "raise payments",
                "update the claims system", "index the incoming post", "run the daily MI pack",
                "validate FNOL forms", "close down finished files", "do the indemnity checks",
                "triage the inbox", "reconcile payments with finance", "move files to the right team",
            ],
            "ca": [
                "answer calls from policyholders", "talk customers through their claim", "ring customers back",
                "reply to customer emails", "deal with brokers on the phone", "handle 60 or so calls a day",
                "visit customers to look at the damage", "explain the excess to customers",
                "take first notification calls", "handle complaints from customers",
            ],
            "co": [
                "help people get back on their feet after a loss", "make sure customers are paid fairly",
                "get families back into their homes after a flood",
                "make sure someone who's had a bad day doesnt have a worse one because of us",
                "help customers understand what they're actually covered for",
                "get injured people the rehab they need",
            ],
            "br": [
                "keep the loss ratio under control", "reduce leakage on claims payments",
                "protect the margin on the motor book", "bring down the cost per claim",
                "spot fraud before we pay out", "keep reserves accurate for the year end",
            ],
        },
        "success": {
            "ff": [
                "a clear queue by Friday", "hitting my 45 claims a day", "no backlog", "all SLAs green",
                "files closed on time", "good productivity numbers", "zero items over 10 days old",
                "the work in progress under 200", "getting through my list", "all post indexed same day",
                "a quiet inbox", "high throughput",
            ],
            "ca": [
                "every call answered within 20 seconds", "all emails replied to the same day",
                "short handling times on the phone", "callbacks made when we promised",
                "a high number of customer contacts handled",
            ],
            "co": [
                "the customer back in their home quickly", "customers not having to chase us",
                "people feeling looked after when something goes wrong",
                "claims settled right first time so the customer can move on",
                "customers renewing because we were there when it counted",
                "fewer complaints because people got what they needed",
            ],
            "br": [
                "a combined ratio below 95%", "hitting the bonus targets", "cost per claim going down",
                "the department on budget", "less leakage", "our numbers beating last year",
            ],
        },
    },
    "healthcare": {
        "work": {
            "ff": [
                "do the discharge paperwork", "book outpatient appointments", "manage the theatre lists",
                "update patient records", "code the episodes for billing", "process referrals",
                "order supplies for the ward", "do the rotas", "run the bed reports",
            ],
            "ca": [
                "see patients in clinic", "do home visits", "run the phone line for patients",
                "talk families through the care plan", "do ward rounds", "triage patients in A&E",
                "give medication on the ward", "see around 20 patients a day",
            ],
            "co": [
                "help patients get home safely", "help people manage their diabetes so they stay well",
                "make sure patients recover and dont come back in", "support patients to live independently",
                "keep elderly people out of hospital", "help people get their mobility back after surgery",
                "make sure patients understand their condition and feel in control",
                "get people back to doing what matters to them", "help mums and babies have a safe birth",
                "make sure every patient leaves better than they came in",
            ],
            "br": [
                "keep the trust within its budget", "bring down agency spend", "hit the financial plan",
                "make the service sustainable", "improve our CQC rating",
            ],
        },
        "success": {
            "ff": [
                "all discharge letters done same day", "the clinic list finished on time",
                "beds turned around quickly", "no paperwork backlog", "rotas filled",
            ],
            "ca": [
                "seeing all my patients in the day", "phones answered quickly", "everyone seen within 4 hours",
                "all home visits done",
            ],
            "co": [
                "patients going home safely and not being readmitted", "people living well at home",
                "patients telling us they feel better", "fewer falls on the ward",
                "patients regaining their independence", "families feeling involved and informed",
                "a patient walking out who came in on a trolley", "people able to manage their own condition",
                "fewer pressure ulcers", "good outcomes for the people we look after",
                "patients getting back to work or the things they enjoy",
            ],
            "br": [
                "balancing the budget", "lower agency costs", "a good inspection rating",
                "the service paying for itself",
            ],
        },
    },
    "cards": {
        "work": {
            "ff": [
                "process card applications", "run the overnight settlement batch", "work the disputes queue",
                "reconcile chargebacks", "keep the card production line running", "do the KYC checks",
                "push payments files through", "clear exceptions from the authorisation system",
                "maintain the fraud rules", "handle the scheme reporting",
            ],
            "ca": [
                "answer cardholder calls", "run customer interviews", "handle chat with cardholders",
                "onboard new merchants", "sit with customers in usability sessions", "reply to app store reviews",
            ],
            "co": [
                "help cardholders feel in control of their spending", "design features that stop customers getting into debt",
                "find out what customers are actually trying to achieve", "make paying with our card effortless",
                "test ideas with customers and learn what helps them", "help small businesses get paid faster", "make sure the café owner down the road gets paid the same day",
                "make sure people get their money back quickly when something goes wrong",
                "help customers avoid fees they didnt see coming",
            ],
            "br": [
                "grow active card spend", "bring down cost per transaction", "keep fraud losses down",
                "improve the margin on the portfolio", "reduce write-offs",
            ],
        },
        "success": {
            "ff": [
                "settlement done before 6am", "zero exceptions left at end of day", "99.9% straight-through processing",
                "disputes worked within 5 days", "the batch running on time", "applications decisioned in 24 hours",
                "cost per transaction going down every quarter",
            ],
            "ca": [
                "chats answered within a minute", "lots of customer interviews every sprint",
                "new merchants onboarded each week",
            ],
            "co": [
                "customers saying the app helps them manage money", "cardholders not getting stung by surprise fees",
                "people using the features we built because they help", "customers sticking with us because we made life easier",
                "small businesses getting paid the same day", "fewer customers falling into persistent debt",
                "customers getting their money back without stress",
            ],
            "br": [
                "spend growth above the market", "fraud losses under 5 basis points", "a better margin on the book",
                "lower write-offs", "fraud losses under €2m a quarter",
            ],
        },
    },
    "it": {
        "work": {
            "ff": [
                "close tickets", "patch servers", "work the service desk queue", "deploy releases",
                "manage the change calendar", "keep the network up", "build laptops",
                "resolve incidents", "maintain the data warehouse loads", "write code for the new CRM",
                "handle password resets", "do the monthly patching", "update the CMDB",
                "run the backup jobs", "manage the licences",
            ],
            "ca": [
                "support users on the floor", "take calls from staff with IT problems",
                "sit with the business to gather requirements", "train staff on new systems",
                "do deskside visits",
            ],
            "co": [
                "make sure the contact centre can help customers without the systems getting in the way",
                "help branch colleagues serve customers faster", "make it easy for customers to self-serve online",
                "give the business data they can actually act on",
            ],
            "br": [
                "help the business hit its growth targets", "reduce what the company spends on IT",
                "cut the cost of running the legacy estate", "protect the company from cyber risk",
                "help the business launch products faster", "make sure we get value from the IT budget",
                "help sales teams close more deals",
            ],
        },
        "success": {
            "ff": [
                "99.95% uptime", "all P1 incidents resolved within 4 hours", "tickets closed within SLA",
                "releases going out on schedule", "the backlog under 100 tickets", "no failed changes",
                "patching compliance at 100%", "first time fix rate above 80%", "the queue empty on Friday",
                "number of deployments per week going up", "all projects delivered on time and on budget",
            ],
            "ca": [
                "users getting a response within 15 minutes", "good feedback on the survey after each ticket",
                "all training sessions delivered",
            ],
            "co": [
                "customers completing things online without needing to call", "colleagues able to help customers first time",
                "the business getting insight that changes decisions",
            ],
            "br": [
                "IT cost as a share of revenue going down", "the business hitting its targets because the systems worked",
                "products launched faster than competitors", "no regulatory fines", "lower run costs",
                "measurable business value from each project",
            ],
        },
    },
}

WORK_FRAMES = [
    "I {p}.", "My job is to {p}.", "Mostly I {p}.", "I {p} and {p2}.", "Day to day I {p}, {p2} and sometimes {p3}.",
    "{P}.", "{P}, {p2}.", "I'm responsible for making sure we {p}.", "Basically I {p}",
    "i {p}", "I {p}. Also {p2} when it's busy.", "{P} - and {p2}", "My role is to {p} and {p2}.",
    "We {p}. I also {p2}.", "to {p}", "Honestly most of the day I {p}.", "Right now I mainly {p}",
    "{P}. {P2}. {P3}.",
]
SUCCESS_FRAMES = [
    "{S}", "{S}.", "Success is {s}.", "Success = {s}", "For me it's {s}.", "{S} and {s2}.",
    "Success looks like {s}.", "Honestly? {s}", "A good week is {s}.", "{S}, {s2}",
    "{s}", "I'd say {s} and {s2}.", "Simple - {s}.", "{S}. Also {s2}.", "Probably {s}",
    "When I see {s}.", "{S}!",
]
ASIDES = [
    " Been here 6 years.", " Depends on the week.", " (when the system isn't down)", " tbh",
    " It has changed a lot since the restructure.", " Not always easy with current staffing.",
    " that's what we get measured on anyway", " At least that's how I see it.",
    " Hard to say really.", " ...", " Management might say something different.",
]
NON_ANSWERS = ["n/a", "N/A", "-", "don't know", "dont know", "same as above", "?", "na", "no comment", "."]

LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
SCALE_ITEMS = {
    "line_of_sight": "I can see how my work changes things for our customers",
    "targets_fair": "My targets reward the right things",
}
TENURE_BANDS = ["<1 year", "1-3 years", "3-10 years", "10+ years"]

# Each organisation: units (name, respondents, quadrant weights for work and success as
# [ff, ca, co, br]), roles, survey layout, waves, metrics, OKRs, capabilities.
ORGS = {
    "harbour_mutual": {
        "name": "Harbour Mutual Insurance",
        "sector": "insurance",
        "layout": "qualtrics",
        "waves": [("2025-10", "2025-10-13"), ("2026-04", "2026-04-20")],
        "units": [
            ("Motor Claims", 95, [0.6, 0.2, 0.07, 0.13], [0.6, 0.1, 0.1, 0.2]),
            ("Home Claims", 80, [0.55, 0.2, 0.15, 0.1], [0.55, 0.1, 0.2, 0.15]),
            ("Policy Administration", 70, [0.8, 0.05, 0.05, 0.1], [0.75, 0.05, 0.05, 0.15]),
            ("Contact Centre", 75, [0.2, 0.65, 0.1, 0.05], [0.2, 0.6, 0.1, 0.1]),
            ("Underwriting", 40, [0.4, 0.05, 0.05, 0.5], [0.3, 0.0, 0.05, 0.65]),
            ("Finance", 28, [0.5, 0.0, 0.0, 0.5], [0.35, 0.0, 0.0, 0.65]),
            ("Fraud Analytics", 4, [0.3, 0.0, 0.0, 0.7], [0.2, 0.0, 0.0, 0.8]),
        ],
        "roles": ["Handler", "Team leader", "Manager", "Specialist"],
        "capabilities": [
            ("CAP1", "Sell and quote", ["Underwriting", "Contact Centre"]),
            ("CAP2", "Onboard policyholder", ["Policy Administration"]),
            ("CAP3", "Service policy", ["Policy Administration", "Contact Centre"]),
            ("CAP4", "Report a loss", ["Contact Centre", "Motor Claims", "Home Claims"]),
            ("CAP5", "Assess and settle claim", ["Motor Claims", "Home Claims", "Fraud Analytics"]),
            ("CAP6", "Recover and repair", ["Motor Claims", "Home Claims"]),
            ("CAP7", "Renew", ["Underwriting", "Policy Administration"]),
            ("CAP8", "Finance and reserving", ["Finance"]),
        ],
        # name, description, owner unit, measured, reported, incentivised, weight, capability
        "metrics": [
            ("Claims closed per handler per day", "Count of claim files closed by each handler per working day", "Motor Claims", 1, 1, 1, 0.30, "CAP5"),
            ("Average handling time", "Mean minutes per claim touchpoint", "Motor Claims", 1, 1, 1, 0.20, "CAP5"),
            ("Claims backlog", "Open claim files older than 10 working days", "Home Claims", 1, 1, 1, 0.15, "CAP5"),
            ("Files closed within SLA", "Share of files closed inside the service level", "Home Claims", 1, 1, 1, 0.20, "CAP5"),
            ("Calls handled per agent", "Inbound calls answered per agent per shift", "Contact Centre", 1, 1, 1, 0.35, "CAP4"),
            ("Average speed of answer", "Seconds until an inbound call is answered", "Contact Centre", 1, 1, 1, 0.15, "CAP4"),
            ("Call abandonment rate", "Share of calls abandoned before answer", "Contact Centre", 1, 1, 0, 0.0, "CAP4"),
            ("Policies processed per day", "New business and mid-term adjustments keyed per day", "Policy Administration", 1, 1, 1, 0.30, "CAP2"),
            ("Documents indexed same day", "Share of inbound post indexed on day of receipt", "Policy Administration", 1, 1, 0, 0.0, "CAP3"),
            ("Renewal invitations issued on time", "Share of renewal packs sent 21 days before expiry", "Policy Administration", 1, 1, 1, 0.10, "CAP7"),
            ("Quotes issued", "Number of quotes issued per week", "Underwriting", 1, 1, 1, 0.15, "CAP1"),
            ("Loss ratio", "Incurred claims as a share of earned premium", "Underwriting", 1, 1, 1, 0.30, "CAP1"),
            ("Combined ratio", "Loss ratio plus expense ratio", "Finance", 1, 1, 1, 0.25, "CAP8"),
            ("Cost per claim", "Operating cost divided by claims handled", "Finance", 1, 1, 1, 0.20, "CAP5"),
            ("Claims leakage", "Overpayment identified by file review", "Motor Claims", 1, 1, 0, 0.0, "CAP5"),
            ("Fraud savings", "Value of claims repudiated for fraud", "Fraud Analytics", 1, 1, 1, 0.40, "CAP5"),
            ("Reserve accuracy", "Difference between case reserves and final settlement", "Finance", 1, 1, 0, 0.0, "CAP8"),
            ("Customer effort score", "Customers rating how easy it was to get their claim resolved", "Home Claims", 1, 0, 0, 0.0, "CAP5"),
            ("Time until customer back in home", "Days from loss until the household is living back in the property", "Home Claims", 1, 0, 0, 0.0, "CAP6"),
            ("Repeat contact rate", "Share of customers who had to contact us again about the same claim", "Contact Centre", 1, 0, 0, 0.0, "CAP4"),
            ("Complaints upheld by the ombudsman", "Complaints found in the customer's favour", "Contact Centre", 1, 1, 0, 0.0, "CAP3"),
            ("Net promoter score after claim", "Likelihood of claimants recommending us", "Motor Claims", 1, 1, 0, 0.0, "CAP5"),
            ("Renewal retention", "Share of policyholders renewing", "Underwriting", 1, 1, 1, 0.10, "CAP7"),
            ("Repairs completed within 30 days", "Vehicle repairs completed within 30 days of approval", "Motor Claims", 1, 0, 0, 0.0, "CAP6"),
            ("Expense ratio", "Operating expenses as share of premium", "Finance", 1, 1, 1, 0.15, "CAP8"),
            ("Training hours completed", "Hours of mandatory training completed per employee", "Finance", 1, 1, 0, 0.0, None),
            ("Customers who understood their cover", "Claimants who say they knew what their policy covered", "Underwriting", 1, 0, 0, 0.0, "CAP1"),
        ],
        # objective, [(key result, owner unit, level, capability, parent index or list)]
        "okrs": [
            ("Run the most efficient claims operation in the market", [
                ("Increase claims closed per handler from 38 to 45 per day", "Motor Claims", "company", "CAP5"),
                ("Reduce average handling time by 15%", "Motor Claims", "company", "CAP5"),
                ("Cut the claims backlog to under 500 files", "Home Claims", "company", "CAP5"),
            ]),
            ("Grow profitably", [
                ("Combined ratio below 96%", "Finance", "company", "CAP8"),
                ("Reduce cost per claim by 8%", "Finance", "company", "CAP5"),
                ("Grow gross written premium by 5%", "Underwriting", "company", "CAP1"),
            ]),
            ("Motor claims: faster file closure", [
                ("Close 95% of motor files within SLA", "Motor Claims", "unit", "CAP5", [0]),
                ("Automate 30% of total-loss payments", "Motor Claims", "unit", "CAP5", [1, 4]),
                ("Launch a repair-tracking text message for customers", "Motor Claims", "unit", "CAP6", [0]),
            ]),
            ("Home claims: get customers home sooner", [
                ("Reduce days until customers are back in their home from 41 to 30", "Home Claims", "unit", "CAP6", [2]),
                ("Process 100% of emergency accommodation requests within 24 hours", "Home Claims", "unit", "CAP5", [2]),
            ]),
            ("Contact centre productivity", [
                ("Answer 85% of calls within 20 seconds", "Contact Centre", "unit", "CAP4", [1]),
                ("Increase calls handled per agent to 70 per day", "Contact Centre", "unit", "CAP4", [0]),
                ("Reduce repeat contacts by 20%", "Contact Centre", "unit", "CAP4", [2, 3]),
            ]),
            ("Policy administration throughput", [
                ("Process 400 policy changes per day", "Policy Administration", "unit", "CAP3", [0]),
                ("Index 100% of post on day of receipt", "Policy Administration", "unit", "CAP3", []),
                ("Migrate 20,000 legacy policies to the new platform", "Policy Administration", "unit", "CAP2", []),
            ]),
            ("Underwriting discipline", [
                ("Issue 1,500 quotes per week", "Underwriting", "unit", "CAP1", [5]),
                ("Improve motor loss ratio by 3 points", "Underwriting", "unit", "CAP1", [3]),
                ("Publish new rating tables for the home book", "Underwriting", "unit", None, []),
            ]),
            ("Finance control", [
                ("Close the monthly books in 5 working days", "Finance", "unit", "CAP8", [3]),
                ("Reserve accuracy within 2%", "Finance", "unit", "CAP8", [3]),
            ]),
        ],
    },
    "riverside_health": {
        "name": "Riverside Community Health",
        "sector": "healthcare",
        "layout": "msforms",
        "waves": [("2026-02", "2026-02-09")],
        "units": [
            ("Acute Medicine", 120, [0.1, 0.35, 0.5, 0.05], [0.1, 0.15, 0.7, 0.05]),
            ("Surgery", 90, [0.15, 0.3, 0.5, 0.05], [0.15, 0.1, 0.7, 0.05]),
            ("Community Nursing", 110, [0.05, 0.3, 0.6, 0.05], [0.05, 0.1, 0.8, 0.05]),
            ("Maternity", 70, [0.05, 0.3, 0.6, 0.05], [0.05, 0.1, 0.8, 0.05]),
            ("Outpatients", 60, [0.35, 0.35, 0.25, 0.05], [0.3, 0.25, 0.4, 0.05]),
            ("Finance and Estates", 35, [0.5, 0.0, 0.1, 0.4], [0.3, 0.0, 0.1, 0.6]),
            ("Health Records", 30, [0.75, 0.05, 0.1, 0.1], [0.6, 0.05, 0.2, 0.15]),
            ("Patient Experience", 3, [0.1, 0.3, 0.6, 0.0], [0.0, 0.2, 0.8, 0.0]),
        ],
        "roles": ["Nurse", "Doctor", "Therapist", "Healthcare assistant", "Administrator", "Manager"],
        "capabilities": [
            ("CAP1", "Referral and access", ["Outpatients", "Health Records"]),
            ("CAP2", "Assessment and diagnosis", ["Acute Medicine", "Outpatients"]),
            ("CAP3", "Treatment", ["Acute Medicine", "Surgery", "Maternity"]),
            ("CAP4", "Recovery and discharge", ["Acute Medicine", "Surgery"]),
            ("CAP5", "Care at home", ["Community Nursing"]),
            ("CAP6", "Staying well", ["Community Nursing", "Patient Experience"]),
            ("CAP7", "Resources and estate", ["Finance and Estates", "Health Records"]),
        ],
        "metrics": [
            ("Emergency readmissions within 30 days", "Patients readmitted as an emergency within 30 days of discharge", "Acute Medicine", 1, 1, 1, 0.25, "CAP4"),
            ("Patient-reported outcome score", "Change in patient-reported health after treatment (PROMs)", "Surgery", 1, 1, 1, 0.25, "CAP3"),
            ("Falls with harm per 1,000 bed days", "Inpatient falls causing harm", "Acute Medicine", 1, 1, 1, 0.15, "CAP4"),
            ("Pressure ulcers acquired in care", "New pressure ulcers per 1,000 bed days", "Community Nursing", 1, 1, 1, 0.15, "CAP5"),
            ("Patients living independently 91 days after discharge", "Older people still at home 91 days after reablement", "Community Nursing", 1, 1, 1, 0.25, "CAP5"),
            ("Unplanned admissions avoided", "Admissions avoided through community rapid response", "Community Nursing", 1, 1, 1, 0.15, "CAP6"),
            ("Safe births without complications", "Births without serious maternal or neonatal complications", "Maternity", 1, 1, 1, 0.30, "CAP3"),
            ("Mothers who felt involved in decisions", "Maternity survey: felt involved in decisions about care", "Maternity", 1, 1, 0, 0.0, "CAP3"),
            ("Four-hour A&E standard", "Share of patients seen within four hours", "Acute Medicine", 1, 1, 1, 0.10, "CAP2"),
            ("Referral to treatment within 18 weeks", "Share of patients treated within 18 weeks of referral", "Outpatients", 1, 1, 1, 0.20, "CAP1"),
            ("Clinic utilisation", "Booked slots as share of available clinic slots", "Outpatients", 1, 1, 0, 0.0, "CAP1"),
            ("Did-not-attend rate", "Share of appointments missed", "Outpatients", 1, 1, 0, 0.0, "CAP1"),
            ("Discharge letters sent within 24 hours", "Share of discharge summaries sent to GPs within 24 hours", "Acute Medicine", 1, 1, 0, 0.0, "CAP4"),
            ("Bed occupancy", "Occupied beds as share of available beds", "Acute Medicine", 1, 1, 0, 0.0, "CAP4"),
            ("Theatre utilisation", "Theatre minutes used as share of planned", "Surgery", 1, 1, 0, 0.0, "CAP3"),
            ("Surgical site infections", "Infections after surgery per 100 procedures", "Surgery", 1, 1, 1, 0.15, "CAP3"),
            ("Patients returning to usual activities", "Patients back to work or usual activities 6 weeks after surgery", "Surgery", 1, 0, 0, 0.0, "CAP4"),
            ("Agency spend", "Spend on agency staff", "Finance and Estates", 1, 1, 1, 0.20, "CAP7"),
            ("Financial plan variance", "Variance against the annual financial plan", "Finance and Estates", 1, 1, 1, 0.20, "CAP7"),
            ("Records scanned", "Paper records scanned per week", "Health Records", 1, 0, 0, 0.0, "CAP7"),
            ("Friends and family test", "Patients who would recommend the service", "Patient Experience", 1, 1, 0, 0.0, "CAP6"),
            ("Complaints resolved within 25 days", "Complaints closed inside the target", "Patient Experience", 1, 1, 0, 0.0, "CAP6"),
            ("Diabetes patients with controlled HbA1c", "Registered diabetes patients within target range", "Community Nursing", 1, 1, 1, 0.10, "CAP6"),
            ("Home visits completed", "Community nursing visits completed per week", "Community Nursing", 1, 1, 0, 0.0, "CAP5"),
            ("Staff sickness absence", "Working days lost to sickness", "Finance and Estates", 1, 1, 0, 0.0, None),
            ("Patients who feel in control of their condition", "Survey: patients confident managing their long-term condition", "Community Nursing", 1, 1, 0, 0.0, "CAP6"),
        ],
        "okrs": [
            ("Patients recover and stay well at home", [
                ("Reduce 30-day emergency readmissions from 14% to 11%", "Acute Medicine", "company", "CAP4"),
                ("90% of reablement patients living independently after 91 days", "Community Nursing", "company", "CAP5"),
                ("Avoid 1,200 unplanned admissions through rapid response", "Community Nursing", "company", "CAP6"),
            ]),
            ("Safe, harm-free care", [
                ("Halve falls with harm on medical wards", "Acute Medicine", "company", "CAP4"),
                ("Zero avoidable grade 3 pressure ulcers", "Community Nursing", "company", "CAP5"),
            ]),
            ("A sustainable organisation", [
                ("Reduce agency spend by 20%", "Finance and Estates", "company", "CAP7"),
                ("Deliver the financial plan", "Finance and Estates", "company", "CAP7"),
            ]),
            ("Surgery: people get their lives back", [
                ("Improve average hip and knee PROMs gain by 2 points", "Surgery", "unit", "CAP3", [0]),
                ("80% of patients back to usual activities within 6 weeks", "Surgery", "unit", "CAP4", [0]),
                ("Cut surgical site infections to under 1%", "Surgery", "unit", "CAP3", [3]),
                ("Reduce average length of stay after surgery by half a day", "Surgery", "unit", "CAP4", [5]),
            ]),
            ("Maternity: safe and personal births", [
                ("Reduce serious birth complications by 25%", "Maternity", "unit", "CAP3", [3]),
                ("95% of mothers feel involved in decisions about their care", "Maternity", "unit", "CAP3", [0, 3]),
            ]),
            ("Outpatients: timely access", [
                ("Treat 92% of patients within 18 weeks of referral", "Outpatients", "unit", "CAP1", [0]),
                ("Cut did-not-attend rate to 5% with text reminders", "Outpatients", "unit", "CAP1", [0]),
                ("Raise clinic utilisation to 95%", "Outpatients", "unit", "CAP1", []),
            ]),
            ("Community: people in control of their health", [
                ("70% of diabetes patients within HbA1c target", "Community Nursing", "unit", "CAP6", [0, 2]),
                ("Complete 3,000 home visits a month", "Community Nursing", "unit", "CAP5", [1]),
            ]),
            ("Records and estates", [
                ("Scan 100% of legacy paper records", "Health Records", "unit", "CAP7", []),
                ("Reduce estate running costs by 4%", "Finance and Estates", "unit", "CAP7", [6]),
            ]),
        ],
    },
    "northstar_cards": {
        "name": "Northstar Card Services",
        "sector": "cards",
        "layout": "generic_semicolon_cp1252",
        "waves": [("2026-05", "2026-05-04")],
        "units": [
            ("Customer Experience", 60, [0.05, 0.35, 0.55, 0.05], [0.05, 0.15, 0.75, 0.05]),
            ("Product Discovery", 40, [0.05, 0.3, 0.6, 0.05], [0.05, 0.1, 0.75, 0.1]),
            ("Digital Channels", 45, [0.15, 0.25, 0.5, 0.1], [0.1, 0.15, 0.6, 0.15]),
            ("Card Processing", 70, [0.85, 0.0, 0.0, 0.15], [0.85, 0.0, 0.0, 0.15]),
            ("Disputes Operations", 50, [0.75, 0.1, 0.05, 0.1], [0.75, 0.05, 0.05, 0.15]),
            ("Payments Operations", 45, [0.8, 0.0, 0.0, 0.2], [0.75, 0.0, 0.0, 0.25]),
            ("Credit Risk", 3, [0.3, 0.0, 0.0, 0.7], [0.2, 0.0, 0.0, 0.8]),
        ],
        "roles": ["Analyst", "Designer", "Engineer", "Operations specialist", "Team lead", "Manager"],
        "capabilities": [
            ("CAP1", "Discover needs", ["Product Discovery", "Customer Experience"]),
            ("CAP2", "Acquire cardholder", ["Digital Channels", "Credit Risk"]),
            ("CAP3", "Issue card", ["Card Processing"]),
            ("CAP4", "Authorise and pay", ["Payments Operations", "Card Processing"]),
            ("CAP5", "Help and resolve", ["Customer Experience", "Disputes Operations"]),
            ("CAP6", "Manage money", ["Digital Channels", "Product Discovery"]),
            ("CAP7", "Settle and reconcile", ["Payments Operations"]),
        ],
        "metrics": [
            ("Customer effort score", "How easy customers found it to get help", "Customer Experience", 1, 1, 1, 0.30, "CAP5"),
            ("Cardholders who feel in control of spending", "Quarterly survey of active cardholders", "Product Discovery", 1, 1, 1, 0.30, "CAP6"),
            ("Customers avoiding unexpected fees", "Share of cardholders with no unexpected fee in 12 months", "Product Discovery", 1, 1, 1, 0.25, "CAP6"),
            ("Persistent debt cases", "Cardholders in persistent debt", "Customer Experience", 1, 1, 1, 0.20, "CAP6"),
            ("Feature adoption after 30 days", "Active use of new features a month after launch", "Digital Channels", 1, 1, 1, 0.20, "CAP6"),
            ("Experiments run per quarter", "Customer experiments completed", "Product Discovery", 1, 1, 0, 0.0, "CAP1"),
            ("Customer interviews per sprint", "Interviews held with customers", "Product Discovery", 1, 0, 0, 0.0, "CAP1"),
            ("App store rating", "Average rating in app stores", "Digital Channels", 1, 1, 0, 0.0, "CAP6"),
            ("Digital sign-up conversion", "Applications completed per sign-up started", "Digital Channels", 1, 1, 1, 0.25, "CAP2"),
            ("Chat response time", "Seconds until first reply in chat", "Customer Experience", 1, 1, 0, 0.0, "CAP5"),
            ("Straight-through processing rate", "Transactions processed without manual touch", "Card Processing", 1, 1, 1, 0.35, "CAP4"),
            ("Cost per transaction", "Processing cost per card transaction", "Card Processing", 1, 1, 1, 0.30, "CAP4"),
            ("Cards produced per day", "Physical cards personalised and dispatched", "Card Processing", 1, 1, 1, 0.15, "CAP3"),
            ("Settlement completed by 6am", "Nights the settlement batch finished on time", "Payments Operations", 1, 1, 1, 0.30, "CAP7"),
            ("Exceptions cleared same day", "Authorisation exceptions cleared before close", "Payments Operations", 1, 1, 1, 0.25, "CAP4"),
            ("Reconciliation breaks", "Unreconciled items at month end", "Payments Operations", 1, 1, 0, 0.0, "CAP7"),
            ("Disputes worked within 5 days", "Share of disputes with first action within five days", "Disputes Operations", 1, 1, 1, 0.35, "CAP5"),
            ("Disputes closed per analyst", "Cases closed per analyst per week", "Disputes Operations", 1, 1, 1, 0.30, "CAP5"),
            ("Customers refunded within 10 days", "Disputes where the customer had their money back within ten days", "Disputes Operations", 1, 0, 0, 0.0, "CAP5"),
            ("Chargeback recovery rate", "Value recovered from merchants", "Disputes Operations", 1, 1, 0, 0.0, "CAP5"),
            ("Fraud losses in basis points", "Fraud losses as share of spend", "Credit Risk", 1, 1, 1, 0.30, "CAP4"),
            ("Write-off rate", "Balances written off", "Credit Risk", 1, 1, 1, 0.25, "CAP2"),
            ("Active spend growth", "Growth in spend on active cards", "Digital Channels", 1, 1, 1, 0.15, "CAP6"),
            ("Applications decisioned within 24 hours", "Card applications with a decision inside a day", "Card Processing", 1, 1, 0, 0.0, "CAP2"),
            ("Batch job failures", "Failed overnight jobs", "Payments Operations", 1, 0, 0, 0.0, "CAP7"),
            ("Small businesses paid same day", "Merchant customers receiving funds on the day of sale", "Payments Operations", 1, 0, 0, 0.0, "CAP7"),
            ("KYC checks completed", "Know-your-customer checks completed per day", "Card Processing", 1, 1, 0, 0.0, "CAP2"),
            ("Portfolio margin", "Net interest and fee margin on the card book", "Credit Risk", 1, 1, 1, 0.20, None),
        ],
        "okrs": [
            ("Cardholders are in control of their money", [
                ("Raise share of cardholders who feel in control of spending from 58% to 70%", "Product Discovery", "company", "CAP6"),
                ("Cut unexpected fees for customers by 40%", "Product Discovery", "company", "CAP6"),
                ("Reduce persistent debt cases by 15%", "Customer Experience", "company", "CAP6"),
            ]),
            ("The most efficient processing back end in the market", [
                ("Straight-through processing at 99.5%", "Card Processing", "company", "CAP4"),
                ("Cut cost per transaction by 10%", "Card Processing", "company", "CAP4"),
            ]),
            ("Front end: learn fast with customers", [
                ("Run 12 customer experiments a quarter", "Product Discovery", "unit", "CAP1", [0]),
                ("30% of cardholders actively use the new spending insights after 30 days", "Digital Channels", "unit", "CAP6", [0]),
                ("Customers rate getting help as easy: effort score from 3.1 to 3.8", "Customer Experience", "unit", "CAP5", [0, 2]),
                ("Answer 90% of chats within 60 seconds", "Customer Experience", "unit", "CAP5", []),
            ]),
            ("Disputes: customers get their money back without stress", [
                ("80% of customers refunded within 10 days", "Disputes Operations", "unit", "CAP5", [0]),
                ("Close 60 disputes per analyst per week", "Disputes Operations", "unit", "CAP5", [4]),
            ]),
            ("Processing excellence", [
                ("Settlement complete by 6am every night", "Payments Operations", "unit", "CAP7", [3]),
                ("Clear 100% of exceptions the same day", "Payments Operations", "unit", "CAP4", [3]),
                ("Produce 15,000 cards a day", "Card Processing", "unit", "CAP3", [4]),
                ("Automate KYC checks for 70% of applications", "Card Processing", "unit", "CAP2", [4]),
            ]),
            ("Merchants get paid fast", [
                ("90% of small business merchants paid the same day", "Payments Operations", "unit", "CAP7", [3, 0]),
            ]),
            ("Risk", [
                ("Fraud losses under 5 basis points", "Credit Risk", "unit", "CAP4", []),
                ("Write-offs under 2.5%", "Credit Risk", "unit", None, []),
            ]),
            ("Digital growth", [
                ("Increase digital sign-up conversion to 45%", "Digital Channels", "unit", "CAP2", []),
                ("Ship the new app home screen", "Digital Channels", "unit", "CAP6", []),
            ]),
        ],
    },
    "civic_it": {
        "name": "Civic Group IT Services",
        "sector": "it",
        "layout": "generic_bom_exceldates",
        "waves": [("2025-11", "2025-11-03"), ("2026-05", "2026-05-11")],
        "units": [
            ("Service Desk", 32, [0.7, 0.25, 0.0, 0.05], [0.75, 0.2, 0.0, 0.05]),
            ("Infrastructure", 28, [0.85, 0.0, 0.0, 0.15], [0.85, 0.0, 0.0, 0.15]),
            ("Applications", 30, [0.65, 0.05, 0.1, 0.2], [0.6, 0.05, 0.1, 0.25]),
            ("Data and Analytics", 16, [0.5, 0.05, 0.15, 0.3], [0.4, 0.0, 0.2, 0.4]),
            ("Business Partnering", 12, [0.15, 0.2, 0.2, 0.45], [0.1, 0.1, 0.2, 0.6]),
            ("Security", 14, [0.6, 0.0, 0.0, 0.4], [0.5, 0.0, 0.0, 0.5]),
            ("Architecture", 4, [0.4, 0.0, 0.1, 0.5], [0.3, 0.0, 0.1, 0.6]),
        ],
        "roles": ["Engineer", "Analyst", "Technician", "Lead", "Manager"],
        "capabilities": [
            ("CAP1", "Understand business demand", ["Business Partnering", "Architecture"]),
            ("CAP2", "Build and change", ["Applications", "Data and Analytics"]),
            ("CAP3", "Run and operate", ["Infrastructure", "Security"]),
            ("CAP4", "Support colleagues", ["Service Desk"]),
            ("CAP5", "Serve customers digitally", ["Applications", "Business Partnering"]),
            ("CAP6", "Insight and decisions", ["Data and Analytics"]),
        ],
        "metrics": [
            ("Tickets closed per analyst", "Service desk tickets closed per analyst per week", "Service Desk", 1, 1, 1, 0.35, "CAP4"),
            ("Incidents resolved within SLA", "Share of incidents resolved inside the service level", "Service Desk", 1, 1, 1, 0.30, "CAP4"),
            ("First time fix rate", "Tickets fixed at first contact", "Service Desk", 1, 1, 1, 0.15, "CAP4"),
            ("Average speed of answer", "Seconds to answer a service desk call", "Service Desk", 1, 1, 0, 0.0, "CAP4"),
            ("Post-ticket satisfaction", "Satisfaction survey after each ticket", "Service Desk", 1, 1, 0, 0.0, "CAP4"),
            ("System uptime", "Availability of core systems", "Infrastructure", 1, 1, 1, 0.35, "CAP3"),
            ("Patching compliance", "Servers patched within 30 days of release", "Infrastructure", 1, 1, 1, 0.20, "CAP3"),
            ("Failed changes", "Changes rolled back or causing incidents", "Infrastructure", 1, 1, 1, 0.15, "CAP3"),
            ("Backups completed", "Nightly backup jobs completed successfully", "Infrastructure", 1, 0, 0, 0.0, "CAP3"),
            ("Releases delivered on schedule", "Releases deployed on the planned date", "Applications", 1, 1, 1, 0.30, "CAP2"),
            ("Story points delivered", "Story points completed per sprint", "Applications", 1, 1, 1, 0.25, "CAP2"),
            ("Deployments per week", "Production deployments", "Applications", 1, 1, 0, 0.0, "CAP2"),
            ("Projects on time and on budget", "Share of projects delivered to plan", "Business Partnering", 1, 1, 1, 0.30, "CAP2"),
            ("Customers completing online without calling", "Share of online journeys completed without a call to the contact centre", "Business Partnering", 1, 0, 0, 0.0, "CAP5"),
            ("Contact centre calls resolved first time", "Calls resolved on first contact using our systems", "Business Partnering", 1, 0, 0, 0.0, "CAP5"),
            ("IT cost as share of revenue", "Total IT spend divided by group revenue", "Business Partnering", 1, 1, 1, 0.20, None),
            ("Run cost of legacy estate", "Annual cost of running legacy systems", "Infrastructure", 1, 1, 0, 0.0, "CAP3"),
            ("Dashboards published", "Number of dashboards released to the business", "Data and Analytics", 1, 1, 1, 0.25, "CAP6"),
            ("Data loads completed on time", "Nightly warehouse loads finished by 7am", "Data and Analytics", 1, 1, 0, 0.0, "CAP6"),
            ("Decisions changed by insight", "Business decisions where our analysis changed the outcome", "Data and Analytics", 0, 0, 0, 0.0, "CAP6"),
            ("Time to launch a product change", "Days from business request to live", "Applications", 1, 0, 0, 0.0, "CAP5"),
            ("Security incidents", "Confirmed security incidents", "Security", 1, 1, 1, 0.30, "CAP3"),
            ("Phishing test click rate", "Staff clicking simulated phishing", "Security", 1, 1, 0, 0.0, "CAP3"),
            ("Vulnerabilities closed", "Critical vulnerabilities remediated per month", "Security", 1, 1, 1, 0.20, "CAP3"),
            ("Architecture reviews completed", "Design reviews held", "Architecture", 1, 0, 0, 0.0, "CAP1"),
        ],
        "okrs": [
            ("Reliable IT services", [
                ("99.95% uptime for core systems", "Infrastructure", "company", "CAP3"),
                ("Resolve 95% of incidents within SLA", "Service Desk", "company", "CAP4"),
                ("Zero failed changes to payment systems", "Infrastructure", "company", "CAP3"),
            ]),
            ("Deliver the change portfolio", [
                ("Deliver 90% of projects on time and on budget", "Business Partnering", "company", "CAP2"),
                ("Release the new CRM to all branches", "Applications", "company", "CAP2"),
            ]),
            ("Technology that helps the business win", [
                ("Increase share of customers completing online without calling from 55% to 70%", "Business Partnering", "company", "CAP5"),
                ("Cut time to launch a product change from 60 to 20 days", "Applications", "company", "CAP5"),
            ]),
            ("Service desk efficiency", [
                ("Close 250 tickets per analyst per month", "Service Desk", "unit", "CAP4", [1]),
                ("First time fix above 80%", "Service Desk", "unit", "CAP4", [1]),
                ("Answer calls within 30 seconds", "Service Desk", "unit", "CAP4", []),
            ]),
            ("Modern applications", [
                ("Deploy to production 10 times a week", "Applications", "unit", "CAP2", [4]),
                ("Deliver 400 story points per quarter", "Applications", "unit", "CAP2", [3]),
                ("Train 400 branch staff on the new CRM", "Applications", "unit", "CAP5", [4]),
                ("Contact centre agents resolve 75% of calls first time with the new CRM", "Applications", "unit", "CAP5", [4, 5]),
            ]),
            ("Data", [
                ("Publish 20 new dashboards", "Data and Analytics", "unit", "CAP6", []),
                ("Migrate the warehouse to the cloud platform", "Data and Analytics", "unit", None, []),
            ]),
            ("Secure by default", [
                ("Patch 100% of critical vulnerabilities within 14 days", "Security", "unit", "CAP3", [0]),
                ("Phishing click rate below 3%", "Security", "unit", "CAP3", []),
            ]),
            ("Lower run costs", [
                ("Decommission 30 legacy servers", "Infrastructure", "unit", "CAP3", []),
                ("Reduce IT cost to 4% of revenue", "Business Partnering", "unit", None, [3]),
            ]),
        ],
    },
}
