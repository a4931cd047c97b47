using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests.Types;

/// <summary>
/// Values read as psycopg 3 reads them, from the real server in both result formats (a query text's first execution
/// reads text, the next binary): intervals as timedelta counts them, timestamptz at historical offsets with seconds.
/// </summary>
public class PsycopgTypeParityTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    // psycopg's interval loaders (text and binary): whole years of 365 days, the other months of 30.
    [Theory]
    [InlineData("1 year", 365, 0L)]
    [InlineData("-1 year -2 mons", -425, 0L)]
    [InlineData("1 year 2 mons 3 days 04:05:06", 428, 14_706L)]
    [InlineData("2 years 11 mons", 2 * 365 + 330, 0L)]
    [InlineData("-13 mons 1 day", -395 + 1, 0L)]
    public void Interval_loads_a_year_as_365_days_and_a_month_as_30_as_psycopg(string interval, int days, long seconds)
    {
        using var conn = db.Connect(autocommit: true);
        ServerTwice.AssertBoth(TimeSpan.FromDays(days) + TimeSpan.FromSeconds(seconds), conn, "SELECT %s::interval", interval);
    }

    // psycopg reads local mean time offsets to the second (+00:49:56); DateTimeOffset holds minutes, so both formats
    // truncate them the same way and keep the instant.
    [Theory]
    [InlineData("Europe/Rome", "1880-01-01 12:00+00", 49)]
    [InlineData("America/New_York", "1850-01-01 12:00+00", -(4 * 60 + 56))]
    [InlineData("Europe/Rome", "2042-07-01 12:00+00", 120)]
    public void Timestamptz_at_a_historical_offset_reads_the_same_in_text_and_binary(string zone, string value, int offsetMinutes)
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute($"SET TIME ZONE '{zone}'");
        var instant = DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var read = ServerTwice.Get<DateTimeOffset>(conn, "SELECT %s::timestamptz", value);
        foreach (var v in read)
        {
            Assert.Equal(instant, v);
            Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), v.Offset);
        }
    }
}
