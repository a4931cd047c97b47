using Microsoft.Extensions.Logging;

namespace Sharpgres.Telemetry.Tests;

/// <summary>The Sharpgres.* categories, event ids, the Debug statement line, opt-in parameter values.</summary>
public sealed class LoggingTests : IClassFixture<TelemetryFixture>
{
    private readonly TelemetryFixture _f;

    public LoggingTests(TelemetryFixture fixture)
    {
        _f = fixture;
        _f.Reset();
    }

    private List<LogEntry> In(string category) => _f.Logs.Entries.Where(e => e.Category == category).ToList();

    [Fact]
    public void A_statement_is_logged_at_debug_with_duration_and_rows_and_no_values_unless_opted_in()
    {
        using (var conn = _f.Connect())
        {
            conn.Execute("SELECT g FROM generate_series(1, %s) g", 4);
            Pg.Telemetry.RecordParameterValues = true;
            conn.Execute("SELECT %s::text", "visible value");
        }
        var lines = In("Sharpgres.Command");
        var first = lines.Single(e => e.Message.Contains("generate_series"));
        Assert.Equal(LogLevel.Debug, first.Level);
        Assert.Equal(2000, first.EventId.Id);
        Assert.Contains("4 rows", first.Message);
        Assert.Contains(" ms", first.Message);
        Assert.DoesNotContain("parameters", first.Message);
        var second = lines.Single(e => e.Message.Contains("::text"));
        Assert.Equal(2001, second.EventId.Id);
        Assert.Contains("'visible value'", second.Message);
    }

    [Fact]
    public void A_failed_statement_is_logged_with_its_sqlstate()
    {
        using (var conn = _f.Connect())
            Assert.Throws<Errors.UndefinedColumn>(() => conn.Execute("SELECT no_such_column"));
        var line = In("Sharpgres.Command").Single(e => e.EventId.Id == 2002);
        Assert.Contains("42703", line.Message);
    }

    [Fact]
    public void Each_category_logs_its_own_events()
    {
        using (var conn = _f.Connect(autocommit: false))
        {
            conn.Execute("CREATE TEMP TABLE t (a int)");
            conn.Commit();
            conn.Cursor().Copy("COPY t FROM STDIN", copy => copy.WriteRow([1]));
            conn.Execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$");
            conn.Rollback();
        }
        var opened = In("Sharpgres.Connection").Single(e => e.EventId.Id == 1000);
        Assert.Contains(_f.Database, opened.Message);
        Assert.Contains(In("Sharpgres.Transaction"), e => e.EventId.Id == 3000);
        Assert.Contains(In("Sharpgres.Transaction"), e => e.EventId.Id == 3001);
        var copy = In("Sharpgres.Copy").Single(e => e.EventId.Id == 4000);
        Assert.Contains("1 rows", copy.Message);
        var notice = In("Sharpgres.Notifications").Single(e => e.EventId.Id == 6000);
        Assert.Equal(LogLevel.Information, notice.Level);
        Assert.Contains("hello from plpgsql", notice.Message);
    }

    [Fact]
    public void Notifications_are_logged()
    {
        using var listener = _f.Connect();
        listener.Execute("LISTEN chan");
        using (var notifier = _f.Connect()) notifier.Execute("NOTIFY chan, 'payload'");
        listener.Execute("SELECT 1");   // the notification arrives with the next exchange
        Assert.Contains(In("Sharpgres.Notifications"), e => e.EventId.Id == 6002 && e.Message.Contains("chan"));
    }
}
