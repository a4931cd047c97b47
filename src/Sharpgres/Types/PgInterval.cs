using System.Globalization;
using System.Text;

namespace Sharpgres.Types;

/// <summary>
/// A PostgreSQL <c>interval</c> kept losslessly, as the server stores it: months, days and microseconds are
/// separate because their lengths vary (a month isn't always 30 days, a day isn't always 24 hours across DST).
/// <see cref="ToTimeSpan"/> counts a year as 365 days, a month as 30 and a day as 24 hours, as psycopg does.
/// PostgreSQL 17's infinite intervals are <see cref="Infinity"/> and <see cref="NegativeInfinity"/>.
/// </summary>
public readonly record struct PgInterval(int Months, int Days, long Microseconds)
{
    private const long MicrosPerDay = 86_400_000_000;

    /// <summary>PostgreSQL 17's <c>'infinity'::interval</c>, later than every finite interval.</summary>
    public static PgInterval Infinity { get; } = new(int.MaxValue, int.MaxValue, long.MaxValue);
    /// <summary>PostgreSQL 17's <c>'-infinity'::interval</c>.</summary>
    public static PgInterval NegativeInfinity { get; } = new(int.MinValue, int.MinValue, long.MinValue);

    /// <summary>Whether this is <c>'infinity'::interval</c>.</summary>
    public bool IsInfinity => this == Infinity;
    /// <summary>Whether this is <c>'-infinity'::interval</c>.</summary>
    public bool IsNegativeInfinity => this == NegativeInfinity;

    /// <summary>
    /// The duration as psycopg's timedelta: whole years (12 months) of 365 days, the other months of 30, days of 24
    /// hours (<c>1 year</c> is 365 days, <c>-1 year -2 mons</c> −425; sub-tick precision never occurs: 1 µs = 10 ticks);
    /// infinities give TimeSpan.MaxValue / MinValue; <see cref="DataError"/> beyond TimeSpan's ±10,675,199 days.
    /// </summary>
    public TimeSpan ToTimeSpan()
    {
        if (IsInfinity) return TimeSpan.MaxValue;
        if (IsNegativeInfinity) return TimeSpan.MinValue;
        // C#'s / and % truncate toward zero, as psycopg's divmod of the months' absolute value: -14 months is -1 year -2.
        var days = (Int128)(Months / 12) * 365 + Months % 12 * 30 + Days;
        var micros = days * MicrosPerDay + Microseconds;
        var ticks = micros * 10;
        if (ticks > long.MaxValue || ticks < long.MinValue) throw new DataError($"interval '{this}' is out of the range of TimeSpan");
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>A TimeSpan as whole days and the rest in microseconds (no months); sub-microsecond ticks are truncated.</summary>
    public static PgInterval FromTimeSpan(TimeSpan value)
    {
        var days = value.Days;
        return new PgInterval(0, days, (value.Ticks - days * TimeSpan.TicksPerDay) / 10);
    }

    /// <summary>The TimeSpan as whole days and microseconds (no months), as <see cref="FromTimeSpan"/> and psycopg's timedelta adaptation.</summary>
    public static implicit operator PgInterval(TimeSpan value) => FromTimeSpan(value);
    /// <summary>The interval as a TimeSpan, as <see cref="ToTimeSpan"/>: 30-day months, 24-hour days, infinities as TimeSpan.MaxValue / MinValue.</summary>
    public static explicit operator TimeSpan(PgInterval value) => value.ToTimeSpan();

    /// <summary>PostgreSQL's output with IntervalStyle=postgres, e.g. <c>1 year 2 mons -3 days +04:05:06.789</c>.</summary>
    public override string ToString()
    {
        if (IsInfinity) return "infinity";
        if (IsNegativeInfinity) return "-infinity";
        var sb = new StringBuilder();
        var before = false;   // the previous part was negative: a positive one then gets a '+'
        void Part(long value, string unit)
        {
            if (value == 0) return;
            if (sb.Length > 0) sb.Append(' ');
            if (before && value > 0) sb.Append('+');
            sb.Append(value.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(unit);
            if (value != 1) sb.Append('s');
            before = value < 0;
        }
        Part(Months / 12, "year");
        Part(Months % 12, "mon");
        Part(Days, "day");
        if (sb.Length == 0 || Microseconds != 0)
        {
            if (sb.Length > 0) sb.Append(' ');
            if (Microseconds < 0) sb.Append('-');
            else if (before) sb.Append('+');
            var abs = Microseconds == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(Microseconds);
            var fraction = abs % 1_000_000;
            var seconds = abs / 1_000_000;
            sb.Append((seconds / 3600).ToString("00", CultureInfo.InvariantCulture)).Append(':')
              .Append((seconds / 60 % 60).ToString("00", CultureInfo.InvariantCulture)).Append(':')
              .Append((seconds % 60).ToString("00", CultureInfo.InvariantCulture));
            if (fraction != 0) sb.Append('.').Append(fraction.ToString("000000", CultureInfo.InvariantCulture).TrimEnd('0'));
        }
        return sb.ToString();
    }
}
