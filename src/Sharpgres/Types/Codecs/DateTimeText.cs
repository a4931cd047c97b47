using System.Globalization;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// The pieces of a date/time value in PostgreSQL's ISO output (DateStyle=ISO):
/// <c>[-]YYYY-MM-DD HH:MM:SS[.ffffff][+-HH[:MM[:SS]]][ BC]</c>, or <c>infinity</c> / <c>-infinity</c>.
/// </summary>
internal struct DateTimeParts
{
    public int Infinity;        // +1, -1, or 0 for a finite value
    public int Year, Month, Day;
    public bool Bc;
    public long TimeMicros;     // time of day, 0..86_400_000_000 (24:00:00 included)
    public int OffsetSeconds;   // east of UTC, as printed
    public bool HasOffset;

    /// <summary>True when the date fits .NET's DateOnly/DateTime (years 1-9999 AD).</summary>
    public readonly bool InDotNetRange => !Bc && Year is >= 1 and <= 9999;
}

/// <summary>Shared parsing and formatting of PostgreSQL date/time text and the 2000-01-01 epoch arithmetic.</summary>
internal static class DateTimeText
{
    public const long EpochTicks = 630_822_816_000_000_000;     // 2000-01-01T00:00:00, in .NET ticks
    public const int EpochDayNumber = 730_119;                  // DateOnly(2000, 1, 1).DayNumber
    public const long MicrosPerDay = 86_400_000_000;
    public const long MinMicros = (0 - EpochTicks) / 10;                              // 0001-01-01 relative to 2000
    public const long MaxMicros = (3_155_378_975_999_999_990 - EpochTicks) / 10;  // 9999-12-31 23:59:59.999999

    public static DateTimeParts Parse(ReadOnlySpan<byte> s, string type, bool date, bool time, bool offset)
    {
        var p = new DateTimeParts();
        if (s.SequenceEqual("infinity"u8)) { p.Infinity = 1; return p; }
        if (s.SequenceEqual("-infinity"u8)) { p.Infinity = -1; return p; }
        var i = 0;
        if (date)
        {
            if (!ReadInt(s, ref i, out p.Year) || !Expect(s, ref i, '-') || !ReadInt(s, ref i, out p.Month) || !Expect(s, ref i, '-')
                || !ReadInt(s, ref i, out p.Day))
                throw Invalid(type, s);
            if (time && !Expect(s, ref i, ' ') && !Expect(s, ref i, 'T')) throw Invalid(type, s);
        }
        if (time)
        {
            if (!ReadTime(s, ref i, out p.TimeMicros) || p.TimeMicros > MicrosPerDay) throw Invalid(type, s);
            if (offset)
            {
                if (!ReadOffset(s, ref i, out p.OffsetSeconds)) throw Invalid(type, s);
                p.HasOffset = true;
            }
        }
        if (s[i..].SequenceEqual(" BC"u8)) { p.Bc = true; i += 3; }
        if (i != s.Length || p.Month is < 1 or > 12 && date) throw Invalid(type, s);
        return p;
    }

    /// <summary>HH:MM:SS[.ffffff] as microseconds; hours may be more than two digits (intervals).</summary>
    public static bool ReadTime(ReadOnlySpan<byte> s, ref int i, out long micros)
    {
        micros = 0;
        if (!ReadLong(s, ref i, out var h) || !Expect(s, ref i, ':') || !ReadInt(s, ref i, out var m)) return false;
        var sec = 0;
        if (Expect(s, ref i, ':') && !ReadInt(s, ref i, out sec)) return false;
        micros = ((h * 60 + m) * 60 + sec) * 1_000_000 + ReadFraction(s, ref i);
        return true;
    }

    /// <summary>".ffffff" as microseconds (digits past the sixth are dropped); 0 when there is no fraction.</summary>
    public static long ReadFraction(ReadOnlySpan<byte> s, ref int i)
    {
        if (!Expect(s, ref i, '.')) return 0;
        long value = 0;
        var digits = 0;
        for (; i < s.Length && char.IsAsciiDigit((char)s[i]); i++, digits++)
            if (digits < 6) value = value * 10 + (s[i] - '0');
        for (; digits < 6; digits++) value *= 10;
        return value;
    }

    private static bool ReadOffset(ReadOnlySpan<byte> s, ref int i, out int seconds)
    {
        seconds = 0;
        if (Expect(s, ref i, 'Z')) return true;
        if (i >= s.Length || s[i] is not ((byte)'+' or (byte)'-')) return false;
        var sign = s[i++] == '-' ? -1 : 1;
        if (!ReadInt(s, ref i, out var h)) return false;
        int m = 0, sec = 0;
        if (Expect(s, ref i, ':') && !ReadInt(s, ref i, out m)) return false;
        if (Expect(s, ref i, ':') && !ReadInt(s, ref i, out sec)) return false;
        seconds = sign * (h * 3600 + m * 60 + sec);
        return true;
    }

    public static bool Expect(ReadOnlySpan<byte> s, ref int i, char c)
    {
        if (i < s.Length && s[i] == c) { i++; return true; }
        return false;
    }

    public static bool ReadInt(ReadOnlySpan<byte> s, ref int i, out int value)
    {
        var ok = ReadLong(s, ref i, out var v) && v <= int.MaxValue;
        value = (int)v;
        return ok;
    }

    public static bool ReadLong(ReadOnlySpan<byte> s, ref int i, out long value)
    {
        value = 0;
        var start = i;
        for (; i < s.Length && char.IsAsciiDigit((char)s[i]); i++)
        {
            if (value > (long.MaxValue - 9) / 10) return false;
            value = value * 10 + (s[i] - '0');
        }
        return i > start;
    }

    public static DataError Invalid(string type, ReadOnlySpan<byte> s) => new($"invalid {type} value: '{Encoding.UTF8.GetString(s)}'");

    public static DataError OutOfRange(string type, ReadOnlySpan<byte> text, string clr) =>
        new($"{type} value '{Encoding.UTF8.GetString(text)}' is out of the range of {clr} (years 1-9999)");

    /// <summary>The error for a binary value outside .NET's range, naming it as the server would print it.</summary>
    public static DataError OutOfRange(string type, long daysSince2000, long timeMicros, string clr)
    {
        var date = FormatDate(daysSince2000);
        var bc = date.EndsWith(" BC", StringComparison.Ordinal);
        if (bc) date = date[..^3];
        var time = timeMicros >= 0 ? " " + TimeSpan.FromTicks(timeMicros * 10).ToString("hh\\:mm\\:ss", CultureInfo.InvariantCulture) : "";
        return new DataError($"{type} value '{date}{time}{(bc ? " BC" : "")}' is out of the range of {clr} (years 1-9999)");
    }

    /// <summary>A proleptic Gregorian date from days since 2000-01-01, as PostgreSQL prints it (years ≤ 0 as BC).</summary>
    public static string FormatDate(long daysSince2000)
    {
        // Days since 0000-03-01 in the proleptic Gregorian calendar (400-year eras of 146097 days).
        var z = daysSince2000 + 730_425;
        var era = (z >= 0 ? z : z - 146_096) / 146_097;
        var doe = z - era * 146_097;
        var yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        var doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        var mp = (5 * doy + 2) / 153;
        var day = doy - (153 * mp + 2) / 5 + 1;
        var month = mp < 10 ? mp + 3 : mp - 9;
        var year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year > 0
            ? $"{year:0000}-{month:00}-{day:00}"
            : $"{1 - year:0000}-{month:00}-{day:00} BC";
    }

    /// <summary>Ticks of a DateTime from microseconds since 2000-01-01, or a DataError naming the value.</summary>
    public static long TicksFromMicros(long micros, string type)
    {
        if (micros < MinMicros || micros > MaxMicros)
            throw OutOfRange(type, Math.DivRem(micros, MicrosPerDay, out var rem) - (rem < 0 ? 1 : 0), rem < 0 ? rem + MicrosPerDay : rem, "DateTime");
        return EpochTicks + micros * 10;
    }

    /// <summary>Microseconds since 2000-01-01 of a DateTime's ticks (sub-microsecond ticks are truncated).</summary>
    public static long MicrosFromTicks(long ticks) => (ticks - EpochTicks) / 10 - ((ticks - EpochTicks) % 10 < 0 ? 1 : 0);

    public static void WriteDateTime(WriteBuffer buffer, DateTime value, bool utcSuffix)
    {
        if (value.Ticks == DateTime.MaxValue.Ticks) { buffer.WriteUtf8("infinity"); return; }
        if (value.Ticks == DateTime.MinValue.Ticks) { buffer.WriteUtf8("-infinity"); return; }
        // yyyy-MM-dd HH:mm:ss.ffffff written digit by digit: DateTime's custom-format parser cost a fifth of a text
        // COPY's client time (bench/notes.md).
        var span = buffer.GetSpan(29);
        value.Deconstruct(out int year, out int month, out int day);   // the calendar worked out once, not per part
        var seconds = (int)(value.Ticks % TimeSpan.TicksPerDay / TimeSpan.TicksPerSecond);
        var micros = (int)(value.Ticks % TimeSpan.TicksPerSecond / 10);   // the 7th tick digit is dropped, as "ffffff" did
        Pair(span, 0, year / 100); Pair(span, 2, year % 100); span[4] = (byte)'-';
        Pair(span, 5, month); span[7] = (byte)'-';
        Pair(span, 8, day); span[10] = (byte)' ';
        Pair(span, 11, seconds / 3600); span[13] = (byte)':';
        Pair(span, 14, seconds / 60 % 60); span[16] = (byte)':';
        Pair(span, 17, seconds % 60); span[19] = (byte)'.';
        Pair(span, 20, micros / 10000); Pair(span, 22, micros / 100 % 100); Pair(span, 24, micros % 100);
        var n = 26;
        if (utcSuffix) { span[26] = (byte)'+'; span[27] = (byte)'0'; span[28] = (byte)'0'; n = 29; }
        buffer.Advance(n);
    }

    /// <summary>"00" to "99": two digits per lookup, where one division per digit was a fifth of a text COPY's client time.</summary>
    private static ReadOnlySpan<byte> TwoDigits => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>Writes <paramref name="value"/> (0–99) as two digits at <paramref name="at"/>.</summary>
    private static void Pair(Span<byte> span, int at, int value)
    {
        var digits = TwoDigits.Slice(value * 2, 2);
        span[at] = digits[0];
        span[at + 1] = digits[1];
    }

    /// <summary>An offset (seconds east of UTC) as +HH:MM[:SS].</summary>
    public static void WriteOffset(WriteBuffer buffer, int seconds)
    {
        var sign = seconds < 0 ? '-' : '+';
        seconds = Math.Abs(seconds);
        var text = seconds % 60 == 0
            ? $"{sign}{seconds / 3600:00}:{seconds / 60 % 60:00}"
            : $"{sign}{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}";
        buffer.WriteUtf8(text);
    }

    /// <summary>An offset truncated to whole minutes (DateTimeOffset can't hold seconds, e.g. LMT +00:49:56).</summary>
    public static TimeSpan WholeMinutes(TimeSpan offset) => TimeSpan.FromTicks(offset.Ticks - offset.Ticks % TimeSpan.TicksPerMinute);

    /// <summary>
    /// A DateTimeOffset for a UTC instant shown at <paramref name="offset"/> (truncated to whole minutes). The instant
    /// is shown in UTC instead when DateTimeOffset can't hold the offset (beyond ±14:00; PostgreSQL allows ±15:59:59)
    /// or the clock time would leave DateTime's range (year 1 or 9999 near midnight).
    /// </summary>
    public static DateTimeOffset AtOffset(long utcTicks, TimeSpan offset)
    {
        offset = WholeMinutes(offset);
        var local = utcTicks + offset.Ticks;
        return local is >= 0 and <= 3_155_378_975_999_999_999 && offset.Duration() <= TimeSpan.FromHours(14)
            ? new DateTimeOffset(local, offset) : new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }
}
