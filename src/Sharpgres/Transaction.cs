namespace Sharpgres;

/// <summary>
/// A transaction block, psycopg's <c>with conn.transaction():</c>. Opening one sends BEGIN, or a SAVEPOINT when a
/// transaction or another block is already open; <see cref="Commit"/> ends it (COMMIT / RELEASE SAVEPOINT);
/// disposing it without Commit rolls back to where it began. Blocks nest to any depth and close in reverse order:
/// ending one while a block opened inside it is still open raises <see cref="Errors.OutOfOrderTransactionNesting"/>
/// and sends nothing (never a COMMIT of the inner work), as psycopg.
/// </summary>
public sealed class Transaction : IDisposable, IAsyncDisposable
{
    private readonly string? _savepoint;
    private readonly int _stackIndex;   // the connection's TransactionDepth before this block opened
    private bool _done;

    private Transaction(Connection connection, string? savepoint, int stackIndex)
    {
        Connection = connection;
        _savepoint = savepoint;
        _stackIndex = stackIndex;
    }

    /// <summary>The connection the transaction block runs on.</summary>
    public Connection Connection { get; }

    /// <summary>The SAVEPOINT name of a nested block; null for the block that began the transaction.</summary>
    public string? SavepointName => _savepoint;

    internal static async ValueTask<Transaction> BeginAsync(Connection connection, bool async, CancellationToken ct)
    {
        connection.CheckOpen();
        var depth = connection.TransactionDepth;
        string? savepoint = null;
        var idle = connection.ActivePipeline is { } pipeline ? !pipeline.InTransaction : connection.Session.TransactionStatus == TransactionStatus.Idle;
        if (idle)
            await connection.RunCommandAsync(connection.BeginStatement(), async, ct).ConfigureAwait(false);
        else
        {
            savepoint = $"_sg_sp_{depth + 1}";
            await connection.RunCommandAsync($"SAVEPOINT {savepoint}", async, ct).ConfigureAwait(false);
        }
        connection.TransactionDepth = depth + 1;
        return new Transaction(connection, savepoint, depth);
    }

    /// <summary>Ends the block keeping its work: COMMIT, or RELEASE SAVEPOINT for a nested block.</summary>
    public void Commit() => EndAsync(commit: true, async: false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="Commit"/>: COMMIT, or RELEASE SAVEPOINT for a nested block.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => EndAsync(true, true, cancellationToken).AsTask();

    /// <summary>Ends the block undoing its work: ROLLBACK, or ROLLBACK TO SAVEPOINT for a nested block.</summary>
    public void Rollback() => EndAsync(commit: false, async: false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="Rollback"/>: ROLLBACK, or ROLLBACK TO SAVEPOINT for a nested block.</summary>
    public Task RollbackAsync(CancellationToken cancellationToken = default) => EndAsync(false, true, cancellationToken).AsTask();

    private async ValueTask EndAsync(bool commit, bool async, CancellationToken ct)
    {
        if (_done) throw new ProgrammingError("the transaction block is already finished");
        _done = true;
        // psycopg's _pop_savepoint: the block leaves the stack either way, but when an inner block is still open
        // nothing is sent. A COMMIT here would commit the inner block's work too, a ROLLBACK TO SAVEPOINT would
        // undo it behind the inner block's back.
        if (--Connection.TransactionDepth != _stackIndex)
            throw new Errors.OutOfOrderTransactionNesting($"transaction {(commit ? "commit" : "rollback")} at the wrong nesting level: {this}");
        if (Connection.Closed) return;   // the server rolled back when the session ended
        var sql = (commit, _savepoint) switch
        {
            (true, null) => "COMMIT",
            (false, null) => "ROLLBACK",
            (true, { } sp) => $"RELEASE SAVEPOINT {sp}",
            (false, { } sp) => $"ROLLBACK TO SAVEPOINT {sp}; RELEASE SAVEPOINT {sp}",
        };
        await Connection.RunCommandAsync(sql, async, ct).ConfigureAwait(false);
    }

    /// <summary>The block's kind, savepoint and state, as psycopg's repr shows them.</summary>
    public override string ToString() =>
        $"<Transaction {(_savepoint is null ? "(outer)" : _savepoint)} ({(_done ? "terminated" : "active")})>";

    /// <summary>Rolls the block back unless it was committed. Never commits.</summary>
    public void Dispose()
    {
        if (!_done) EndAsync(commit: false, async: false, default).GetAwaiter().GetResult();
    }

    /// <summary>Rolls the block back unless it was committed, without blocking a thread. Never commits.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_done) await EndAsync(commit: false, async: true, default).ConfigureAwait(false);
    }
}

/// <summary>
/// Throw inside <c>conn.Transaction(tx => ...)</c> to roll the block back quietly (psycopg's <c>Rollback</c>):
/// the exception is swallowed by the block it names (or the innermost one) and the code after the block goes on.
/// </summary>
public class Rollback : Exception
{
    /// <summary>Creates the exception; <paramref name="transaction"/> names the block to roll back (null: the innermost one).</summary>
    public Rollback(Transaction? transaction = null) : base("rollback requested") => Transaction = transaction;

    /// <summary>The block this exception rolls back, or null for the innermost one.</summary>
    public Transaction? Transaction { get; }
}
