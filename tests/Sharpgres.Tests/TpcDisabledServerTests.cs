using Sharpgres.Testing;

namespace Sharpgres.Tests;

/// <summary>A server of its own with PostgreSQL's default max_prepared_transactions = 0 (the shared one allows 10).</summary>
public sealed class NoPreparedTransactionsServer : IDisposable
{
    public NoPreparedTransactionsServer()
    {
        Server = TempServer.Start(new TempServerOptions { AuthMethod = AuthMethod.Trust, Settings = { ["fsync"] = "off" } });
        using var admin = Connect(autocommit: true);
        admin.Execute("CREATE TABLE tpc_off (note text)");
    }

    public TempServer Server { get; }

    public Connection Connect(bool autocommit = false) => Pg.Connect(Server.ConnectionString() + " sslmode=disable", autocommit: autocommit);

    public Task<Connection> ConnectAsync() => Pg.ConnectAsync(Server.ConnectionString() + " sslmode=disable");

    public long Rows(string note)
    {
        using var conn = Connect(autocommit: true);
        return (long)conn.Execute("SELECT count(*) FROM tpc_off WHERE note = %s", note).FetchOne()![0]!;
    }

    public void Dispose() => Server.Dispose();
}

/// <summary>
/// psycopg's test_tpc_disabled (tests/test_tpc.py): on a server that allows no prepared transactions, tpc_prepare()
/// raises NotSupportedError (psycopg turns the server's ObjectNotInPrerequisiteState, 55000 "prepared transactions are
/// disabled", into it: connection.py tpc_prepare). What follows is checked too: the server rolled the transaction
/// back, so nothing is prepared or committed, and the connection is usable.
/// </summary>
public class TpcDisabledServerTests(NoPreparedTransactionsServer fx) : IClassFixture<NoPreparedTransactionsServer>
{
    [Fact]
    public void TpcPrepare_raises_NotSupportedError_and_the_transaction_is_rolled_back()
    {
        using var conn = fx.Connect();
        Assert.Equal("0", conn.Execute("SHOW max_prepared_transactions").FetchOne()![0]);
        conn.Rollback();

        conn.TpcBegin("x");
        conn.Execute("INSERT INTO tpc_off VALUES ('sync')");
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
        var error = Assert.Throws<NotSupportedError>(conn.TpcPrepare);
        Assert.Equal("55000", error.SqlState);
        Assert.Contains("prepared transactions are disabled", error.Message);

        // The failed PREPARE TRANSACTION ended the transaction on the server: idle, the row gone, nothing prepared.
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal(0, fx.Rows("sync"));
        Assert.Empty(conn.TpcRecover());

        // There is no tpc transaction left to end. psycopg keeps its (xid, prepared) state here, so its tpc_rollback()
        // sends ROLLBACK PREPARED 'x' and gets the server's UndefinedObject, and tpc_begin() stays refused afterwards;
        // we drop the state with the transaction, so the same calls say why they can't run and a new one can begin.
        Assert.Throws<ProgrammingError>(() => conn.TpcRollback());
        Assert.Throws<ProgrammingError>(() => conn.TpcCommit());
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);

        // A one-phase TpcCommit still works on such a server (no PREPARE involved), as do plain transactions.
        conn.TpcBegin("y");
        conn.Execute("INSERT INTO tpc_off VALUES ('one-phase')");
        conn.TpcCommit();
        Assert.Equal(1, fx.Rows("one-phase"));
        conn.Execute("INSERT INTO tpc_off VALUES ('plain')");
        conn.Commit();
        Assert.Equal(1, fx.Rows("plain"));
    }

    [Fact]
    public async Task TpcPrepareAsync_raises_NotSupportedError_and_TpcRollbackAsync_then_has_nothing_to_end()
    {
        await using var conn = await fx.ConnectAsync();
        await conn.TpcBeginAsync(Xid.FromParts(7, "gtrid", "bqual"));
        await conn.ExecuteAsync("INSERT INTO tpc_off VALUES ('async')");
        await Assert.ThrowsAsync<NotSupportedError>(() => conn.TpcPrepareAsync());
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        await Assert.ThrowsAsync<ProgrammingError>(() => conn.TpcRollbackAsync());
        Assert.Equal(0, fx.Rows("async"));
        Assert.Equal(1, (await (await conn.ExecuteAsync("SELECT 1")).FetchOneAsync())![0]);
        await conn.RollbackAsync();
    }
}
