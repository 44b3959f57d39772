"""The controlled-substance log: ketamine and esketamine are Schedule III (21 CFR 1308.13),
so every milligram received, given, wasted, moved or counted is an entry that is never edited,
only reversed, with a running balance per product and lot that never goes negative."""
