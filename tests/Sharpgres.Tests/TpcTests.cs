using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// Two-phase commit as psycopg's tpc_* (tests/test_tpc.py), on the real server (TempServer runs with
/// max_prepared_transactions = 10). Prepared transactions are cluster-wide: each test names its own and the fixture
/// rolls back any left over.
/// </summary>
public sealed class TpcTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly string _prefix = "sg" + Guid.NewGuid().ToString("N")[..12];
    private int _n;

    private string Gtrid() => $"{_prefix}-{Interlocked.Increment(ref _n)}";

    private Connection Table()
    {
        using (var admin = db.Connect(autocommit: true))
            admin.Execute("CREATE TABLE IF NOT EXISTS tpc_rows (gtrid text, note text)");
        return db.Connect();
    }

    private long Count(string gtrid)
    {
        using var conn = db.Connect(autocommit: true);
        return (long)conn.Execute("SELECT count(*) FROM tpc_rows WHERE gtrid = %s", gtrid).FetchOne()![0]!;
    }

    [Fact]
    public void Tpc_commit_after_prepare_commits_in_two_phases()
    {
        using var conn = Table();
        var gtrid = Gtrid();
        var xid = conn.Xid(1, gtrid, "branch");
        conn.TpcBegin(xid);
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
        conn.Execute("INSERT INTO tpc_rows VALUES (%s, 'two-phase')", gtrid);
        conn.TpcPrepare();
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal(0, Count(gtrid));
        Assert.Contains(conn.TpcRecover(), x => x.Gtrid == gtrid && x.FormatId == 1 && x.Bqual == "branch");
        conn.TpcCommit();
        Assert.Equal(1, Count(gtrid));
        Assert.DoesNotContain(conn.TpcRecover(), x => x.Gtrid == gtrid);
    }

    [Fact]
    public async Task Tpc_rollback_after_prepare_and_one_phase_commit_and_rollback_async()
    {
        await using var conn = Table();
        var first = Gtrid();
        await conn.TpcBeginAsync(conn.Xid(7, first, "b"));
        await conn.ExecuteAsync("INSERT INTO tpc_rows VALUES (%s, 'rolled back')", [first]);
        await conn.TpcPrepareAsync();
        await conn.TpcRollbackAsync();
        Assert.Equal(0, Count(first));

        // Not prepared: TpcCommit / TpcRollback end it in one phase.
        var second = Gtrid();
        await conn.TpcBeginAsync(conn.Xid(7, second, "b"));
        await conn.ExecuteAsync("INSERT INTO tpc_rows VALUES (%s, 'one phase')", [second]);
        await conn.TpcCommitAsync();
        Assert.Equal(1, Count(second));
        var third = Gtrid();
        await conn.TpcBeginAsync(conn.Xid(7, third, "b"));
        await conn.ExecuteAsync("INSERT INTO tpc_rows VALUES (%s, 'one phase rollback')", [third]);
        await conn.TpcRollbackAsync();
        Assert.Equal(0, Count(third));
        Assert.DoesNotContain(await conn.TpcRecoverAsync(), x => x.Gtrid.StartsWith(_prefix, StringComparison.Ordinal));
    }

    [Fact]
    public void A_transaction_prepared_by_one_session_is_recovered_and_committed_by_another()
    {
        var gtrid = Gtrid();
        using (var conn = Table())
        {
            conn.TpcBegin(conn.Xid(42, gtrid, "bq"));
            conn.Execute("INSERT INTO tpc_rows VALUES (%s, 'recovered')", gtrid);
            conn.TpcPrepare();
        }   // closed while prepared: the server keeps the transaction
        using var other = db.Connect();
        var recovered = Assert.Single(other.TpcRecover(), x => x.Gtrid == gtrid);
        Assert.Equal((42, "bq", db.Name), (recovered.FormatId, recovered.Bqual, recovered.Database));
        Assert.False(string.IsNullOrEmpty(recovered.Owner));
        Assert.InRange(recovered.Prepared!.Value, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        // Recovering opened no transaction that stays open (psycopg rolls back the one it opened).
        Assert.Equal(TransactionStatus.Idle, other.TransactionStatus);
        other.TpcCommit(recovered);
        Assert.Equal(1, Count(gtrid));
    }

    [Fact]
    public void Xids_use_psycopg_encoding_so_each_recovers_the_others()
    {
        // psycopg: str(conn.xid(42, "gtrid", "bqual")) == "42_Z3RyaWQ=_YnF1YWw=" (pgJDBC's encoding).
        Assert.Equal("42_Z3RyaWQ=_YnF1YWw=", new Xid(42, "gtrid", "bqual").ToString());
        Assert.Equal(new Xid(42, "gtrid", "bqual"), Xid.FromString("42_Z3RyaWQ=_YnF1YWw="));
        Assert.Equal(new Xid(null, "not-a-triple", null), Xid.FromString("not-a-triple"));
        Assert.Equal(new Xid(null, "1_%%%_x", null), Xid.FromString("1_%%%_x"));
        var unicode = new Xid(0, "gtrid ☃ é", "bqual ☃");
        Assert.Equal(unicode, Xid.FromString(unicode.ToString()));

        using var conn = db.Connect(autocommit: true);
        var gtrid = Gtrid();
        var asPsycopg = new Xid(42, gtrid, "bqual").ToString();
        using (var psycopgLike = db.Connect(autocommit: true))
        {
            psycopgLike.Execute("BEGIN");
            psycopgLike.ClientCursor().Execute("PREPARE TRANSACTION %s", asPsycopg);
            psycopgLike.Execute("BEGIN");
            psycopgLike.ClientCursor().Execute("PREPARE TRANSACTION %s", gtrid + "-bare");
        }
        var recovered = conn.TpcRecover();
        Assert.Contains(recovered, x => x == new Xid(42, gtrid, "bqual") with { Prepared = x.Prepared, Owner = x.Owner, Database = x.Database });
        var bare = Assert.Single(recovered, x => x.Gtrid == gtrid + "-bare");
        Assert.Null(bare.FormatId);
        Assert.Null(bare.Bqual);
        conn.Autocommit = false;
        conn.TpcRollback(Xid.FromString(asPsycopg));
        conn.TpcRollback(bare);
        Assert.DoesNotContain(conn.TpcRecover(), x => x.Gtrid.StartsWith(gtrid, StringComparison.Ordinal));
    }

    [Fact]
    public void Xid_construction_is_checked_as_psycopg()
    {
        using var conn = db.Connect();
        Assert.Throws<ArgumentOutOfRangeException>(() => conn.Xid(-1, "g", "b"));
        Assert.Throws<ArgumentException>(() => conn.Xid(1, new string('g', 65), "b"));
        Assert.Throws<ArgumentException>(() => conn.Xid(1, "g", new string('b', 65)));
        Assert.Throws<ArgumentException>(() => Xid.FromParts(1, "g", null));
        Assert.Throws<ArgumentException>(() => Xid.FromParts(null, "g", "b"));
        Assert.Equal(new Xid(null, "g", null), Xid.FromParts(null, "g", null));
    }

    [Fact]
    public void One_tpc_transaction_at_a_time_never_in_autocommit_and_commit_is_refused_inside()
    {
        using var conn = Table();
        var xid = conn.Xid(1, Gtrid(), "b");
        conn.Autocommit = true;
        Assert.Throws<ProgrammingError>(() => conn.TpcBegin(xid));
        conn.Autocommit = false;
        conn.Execute("SELECT 1");
        Assert.Throws<ProgrammingError>(() => conn.TpcBegin(xid));   // a transaction is already open
        conn.Rollback();
        conn.TpcBegin(xid);
        Assert.Throws<ProgrammingError>(() => conn.TpcBegin(conn.Xid(1, Gtrid(), "b")));
        Assert.Throws<ProgrammingError>(() => conn.Commit());
        Assert.Throws<ProgrammingError>(() => conn.Rollback());
        Assert.Throws<ProgrammingError>(() => conn.TpcCommit(xid));   // with an xid: only outside a tpc transaction
        conn.TpcPrepare();
        Assert.Throws<ProgrammingError>(() => conn.TpcPrepare());
        conn.TpcRollback();
        Assert.Throws<ProgrammingError>(() => conn.TpcCommit());      // without an xid: only inside one
        Assert.Throws<ProgrammingError>(() => conn.TpcPrepare());
    }

    [Fact]
    public void A_failed_prepare_leaves_no_tpc_transaction_behind()
    {
        using var conn = Table();
        var xid = conn.Xid(1, Gtrid(), "b");
        conn.TpcBegin(xid);
        Assert.ThrowsAny<Error>(() => conn.Execute("SELECT 1/0"));
        // PREPARE TRANSACTION of a failed transaction rolls it back (the server answers ROLLBACK, no error): nothing prepared.
        try { conn.TpcPrepare(); } catch (Error) { }
        Assert.DoesNotContain(conn.TpcRecover(), x => x.Gtrid == xid.Gtrid);
    }

    public void Dispose()
    {
        try
        {
            using var conn = db.Connect(autocommit: true);
            foreach (var xid in conn.TpcRecover().Where(x => x.Gtrid.StartsWith(_prefix, StringComparison.Ordinal)))
                conn.ClientCursor().Execute("ROLLBACK PREPARED %s", xid.ToString());
        }
        catch (Error) { /* the server may be gone at the end of the run */ }
    }
}
