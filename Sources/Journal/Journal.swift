// Journal: segmented, compressed, hash-chained append-only log. See JournalFormat.swift.
