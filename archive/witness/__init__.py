"""A C2SP tlog-witness (https://c2sp.org/tlog-witness): keeps the latest checkpoint of each log it
follows and cosigns a new one only when a consistency proof shows it extends that one."""
