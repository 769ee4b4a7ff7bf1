internal import LakeCore

/// Writing instants the way the source does: `2019-01-12T11:32:11.975Z` or Berlin local time with its offset,
/// `2017-07-14T16:20:06.000+02:00`.
enum Timestamps {
    /// Berlin's UTC offset in seconds at an instant: CEST (+2 h) from the last Sunday of March 01:00 UTC to the last
    /// Sunday of October 01:00 UTC, else CET (+1 h) (EU summer-time directive 2000/84/EC).
    static func berlinOffset(epochSeconds: Int64) -> Int {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let year = CivilDate.fromDays(days).year
        let start = lastSunday(year: year, month: 3) * 86_400 + 3_600
        let end = lastSunday(year: year, month: 10) * 86_400 + 3_600
        return epochSeconds >= start && epochSeconds < end ? 7_200 : 3_600
    }

    static func lastSunday(year: Int, month: Int) -> Int64 {
        let last = CivilDate.toDays(year: year, month: month, day: 31)
        let weekday = ((last + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 is Sunday
        return last - weekday
    }
}

extension [UInt8] {
    /// Appends an instant given in milliseconds since the epoch, in UTC (`Z`) or Berlin time with its offset.
    mutating func putTimestamp(millis: Int64, berlin: Bool) {
        var seconds = millis / 1000
        let ms = Int(millis % 1000)
        let offset = berlin ? Timestamps.berlinOffset(epochSeconds: seconds) : 0
        seconds += Int64(offset)
        let days = seconds / 86_400
        let (y, m, d) = CivilDate.fromDays(days)
        let secondOfDay = Int(seconds - days * 86_400)
        putInt(y, width: 4)
        append(0x2D)
        putInt(m, width: 2)
        append(0x2D)
        putInt(d, width: 2)
        append(0x54)
        putInt(secondOfDay / 3600, width: 2)
        append(0x3A)
        putInt(secondOfDay / 60 % 60, width: 2)
        append(0x3A)
        putInt(secondOfDay % 60, width: 2)
        append(0x2E)
        putInt(ms, width: 3)
        if berlin {
            put(offset == 7_200 ? "+02:00" : "+01:00")
        } else {
            append(0x5A)
        }
    }

    /// `dd.MM.yy`, as in `realEstate_freeFrom`.
    mutating func putShortDate(days: Int64) {
        let (y, m, d) = CivilDate.fromDays(days)
        putInt(d, width: 2)
        append(0x2E)
        putInt(m, width: 2)
        append(0x2E)
        putInt(y % 100, width: 2)
    }
}
