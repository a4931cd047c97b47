namespace Sharpgres.Telemetry.Tests;

/// <summary>
/// No password, no <c>password=</c> fragment, no SCRAM message ever reaches a log line, a span or an exception:
/// a tour of every operation kind with everything on (Debug logs, connect spans), plus whatever the other classes of
/// this run captured before, all scanned for the server's password.
/// </summary>
public sealed class PasswordScanTests : IClassFixture<TelemetryFixture>
{
    private readonly TelemetryFixture _f;

    public PasswordScanTests(TelemetryFixture fixture)
    {
        _f = fixture;
        _f.Reset();
    }

    [Fact]
    public async Task Nothing_logged_traced_or_raised_contains_the_password()
    {
        Pg.Telemetry.TraceConnect = true;
        var texts = new List<string>();
        Assert.False(string.IsNullOrEmpty(_f.Password));
        var uri = $"postgresql://{Uri.EscapeDataString(ConnectionInfo.Parse(_f.ConnString).User!)}:{Uri.EscapeDataString(_f.Password)}@127.0.0.1:{_f.Port}/{_f.Database}";
        using (var conn = Pg.Connect(uri, autocommit: true))
        {
            texts.Add(conn.ToString());
            texts.Add(conn.Info.ToString());
            conn.Execute("CREATE TEMP TABLE s (a int)");
            conn.Cursor().ExecuteMany("INSERT INTO s VALUES (%s)", new[] { new object?[] { 1 }, [2] });
            foreach (var _ in conn.Cursor().Stream("SELECT a FROM s")) { }
            conn.Cursor().Copy("COPY s FROM STDIN", copy => copy.WriteRow([3]));
            using (conn.Pipeline()) conn.Execute("SELECT 1");
            texts.Add(Assert.ThrowsAny<Error>(() => conn.Execute("SELECT * FROM missing")).ToString());
        }
        await using (var conn = await Pg.ConnectAsync(_f.ConnString))
            await conn.ExecuteAsync("SELECT 1");
        foreach (var wrong in new[] { "wrong-" + _f.Password, "" })
        {
            var bad = ConnectionInfo.Parse(_f.ConnString).With("password", wrong).ToConnectionString(includePassword: true);
            texts.Add(Assert.ThrowsAny<Exception>(() => Pg.Connect(bad)).ToString());
        }
        _f.Reset();   // moves this test's spans and logs into TelemetryFixture.Everything
        texts.AddRange(TelemetryFixture.Everything);
        Assert.True(texts.Count > 50, $"too little captured to mean anything ({texts.Count})");
        Assert.Contains(texts, t => t.Contains("CONNECT"));
        Assert.Contains(texts, t => t.Contains("Sharpgres.Connection Opened"));
        foreach (var text in texts)
        {
            Assert.DoesNotContain(_f.Password, text);
            Assert.DoesNotContain("password=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("c=biws", text);   // a SCRAM client-final-message
        }
    }
}
