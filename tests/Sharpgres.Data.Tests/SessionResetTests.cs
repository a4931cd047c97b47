using Dapper;

namespace Sharpgres.Data.Tests;

/// <summary>
/// A pooled session given back by Close is reset before its next ADO.NET use (as Npgsql), unless
/// No Reset On Close=true: SETs, temporary tables, LISTENs and advisory locks of one Open are gone at the next Open of
/// the same session. Each test has a pool of its own with one session (Maximum Pool Size=1), so the next Open gets
/// the same backend (checked by pid).
/// </summary>
public sealed class SessionResetTests(AdoFixture db) : IClassFixture<AdoFixture>, IDisposable
{
    private static int _counter;
    private readonly List<string> _made = [];

    private string Pool(string extra = "")
    {
        var cs = $"{db.ConnectionString};Application Name=resettest{Interlocked.Increment(ref _counter)}_{Environment.ProcessId};Maximum Pool Size=1{extra}";
        _made.Add(cs);
        return cs;
    }

    public void Dispose()
    {
        foreach (var cs in _made)
        {
            using var c = new SharpgresConnection(cs);
            SharpgresConnection.ClearPool(c);
        }
    }

    private static int LeaveState(string cs)
    {
        using var c = new SharpgresConnection(cs);
        c.Open();
        c.Execute("SET statement_timeout = '12345ms'; CREATE TEMP TABLE left_behind (x int); LISTEN reset_channel; SELECT pg_advisory_lock(4242)");
        return c.ProcessId;
    }

    private sealed record State(string Timeout, bool TempTable, bool Listening, bool AdvisoryLock);

    private static State StateOf(SharpgresConnection c) => c.QuerySingle<State>(
        "SELECT current_setting('statement_timeout') AS timeout, to_regclass('pg_temp.left_behind') IS NOT NULL AS temptable, " +
        "'reset_channel' = ANY(ARRAY(SELECT pg_listening_channels())) AS listening, " +
        "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = 4242) AS advisorylock");

    [Fact]
    public void The_next_Open_of_the_same_session_starts_clean()
    {
        var cs = Pool();
        var pid = LeaveState(cs);
        using var c = new SharpgresConnection(cs);
        c.Open();
        Assert.Equal(pid, c.ProcessId);
        Assert.Equal(new State("0", false, false, false), StateOf(c));
    }

    [Fact]
    public async Task The_reset_travels_with_the_first_command_no_round_trip_of_its_own()
    {
        var cs = Pool();
        LeaveState(cs);
        await using var c = new SharpgresConnection(cs);
        await c.OpenAsync();
        var session = c.AsSharpgresUnchecked().Session;
        Assert.True(c.AsSharpgresUnchecked().AdoResetPending);
        var before = session.Flushes;
        Assert.Equal("0", await c.ExecuteScalarAsync<string>("SHOW statement_timeout"));
        Assert.Equal(1, session.Flushes - before);
        Assert.False(c.AsSharpgresUnchecked().AdoResetPending);
    }

    [Fact]
    public void No_Reset_On_Close_keeps_the_session_state()
    {
        var cs = Pool(";No Reset On Close=true");
        Assert.True(new SharpgresConnectionStringBuilder(cs).NoResetOnClose);
        var pid = LeaveState(cs);
        using var c = new SharpgresConnection(cs);
        c.Open();
        Assert.Equal(pid, c.ProcessId);
        Assert.Equal(new State("12345ms", true, true, true), StateOf(c));
    }

    [Fact]
    public void The_reset_is_not_part_of_a_transaction_begun_first_and_rolled_back()
    {
        var cs = Pool();
        LeaveState(cs);
        using var c = new SharpgresConnection(cs);
        c.Open();
        using (var tx = c.BeginTransaction())
        {
            Assert.Equal("0", c.ExecuteScalar<string>("SHOW statement_timeout", transaction: tx));
            tx.Rollback();
        }
        Assert.Equal(new State("0", false, false, false), StateOf(c));
    }

    [Fact]
    public void Paths_outside_commands_send_the_pending_reset_first()
    {
        var cs = Pool();
        LeaveState(cs);
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            using var cur = c.AsSharpgres().Cursor();   // the psycopg face
            Assert.Equal("0", cur.Execute("SHOW statement_timeout").FetchOne()!.Get<string>(0));
        }
        LeaveState(cs);
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            using var tx = c.BeginTransaction();
            tx.Save("first");   // a savepoint as the first statement
            Assert.Equal("0", c.ExecuteScalar<string>("SHOW statement_timeout", transaction: tx));
            tx.Rollback();
            Assert.Equal(new State("0", false, false, false), StateOf(c));
        }
    }

    [Fact]
    public void Prepared_statements_survive_the_reset()
    {
        var cs = Pool();
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            using var cmd = new SharpgresCommand("SELECT @x::int + 1", c);
            cmd.Parameters.AddWithValue("x", 1);
            cmd.Prepare();
            Assert.Equal(2, cmd.ExecuteScalar());
        }
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            using var cmd = new SharpgresCommand("SELECT @x::int + 1", c);
            cmd.Parameters.AddWithValue("x", 41);
            cmd.Prepare();
            Assert.Equal(42, cmd.ExecuteScalar());
            Assert.Equal(42, cmd.ExecuteScalar());
        }
    }

    [Fact]
    public void A_checkout_that_sent_nothing_leaves_no_reset_to_send()
    {
        var cs = Pool();
        using (var c = new SharpgresConnection(cs)) { c.Open(); c.Execute("SELECT 1"); }
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            c.Execute("SELECT 1");   // sends the pending reset
            Assert.False(c.AsSharpgresUnchecked().AdoResetPending);
        }
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            Assert.True(c.AsSharpgresUnchecked().AdoResetPending);
        }   // nothing sent in this checkout
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            Assert.True(c.AsSharpgresUnchecked().AdoResetPending);   // still the one pending reset, not lost
        }
    }
}
