using System.Data;
using System.Data.Common;

namespace Sharpgres.Data;

/// <summary>
/// A transaction: BEGIN (with the isolation level) goes out in front of the first statement, Commit / Rollback end
/// it, Dispose without Commit rolls back. Savepoints: <see cref="Save"/>, <see cref="Rollback(string)"/>,
/// <see cref="Release"/>. Underneath it is the Connection's own transaction (Autocommit off until it ends).
/// </summary>
public sealed class SharpgresTransaction : DbTransaction
{
    private SharpgresConnection? _connection;
    private readonly bool _previousAutocommit;
    private readonly Sharpgres.IsolationLevel? _previousLevel;

    internal SharpgresTransaction(SharpgresConnection connection, System.Data.IsolationLevel level)
    {
        var inner = connection.Inner;
        IsolationLevel = level == System.Data.IsolationLevel.Unspecified ? System.Data.IsolationLevel.ReadCommitted : level;
        _previousAutocommit = inner.Autocommit;
        _previousLevel = inner.IsolationLevel;
        var mapped = level switch
        {
            System.Data.IsolationLevel.Unspecified => (Sharpgres.IsolationLevel?)null,
            System.Data.IsolationLevel.ReadUncommitted => Sharpgres.IsolationLevel.ReadUncommitted,
            System.Data.IsolationLevel.ReadCommitted => Sharpgres.IsolationLevel.ReadCommitted,
            System.Data.IsolationLevel.RepeatableRead or System.Data.IsolationLevel.Snapshot => Sharpgres.IsolationLevel.RepeatableRead,
            System.Data.IsolationLevel.Serializable => Sharpgres.IsolationLevel.Serializable,
            _ => throw new NotSupportedException($"isolation level {level} is not supported by PostgreSQL"),
        };
        if (inner.TransactionStatus == TransactionStatus.Idle)
        {
            inner.Autocommit = false;
            inner.IsolationLevel = mapped;
        }
        _connection = connection;
    }

    /// <summary>The connection, null once the transaction is committed or rolled back.</summary>
    public new SharpgresConnection? Connection => _connection;

    /// <inheritdoc />
    protected override DbConnection? DbConnection => _connection;

    /// <summary>The isolation level (Unspecified reads as ReadCommitted, PostgreSQL's default).</summary>
    public override System.Data.IsolationLevel IsolationLevel { get; }

    /// <summary>True: PostgreSQL transactions have savepoints.</summary>
    public override bool SupportsSavepoints => true;

    private bool _disposed;

    private SharpgresConnection Live(string what)
    {
        // Disposed is final (ObjectDisposedException); committed or rolled back is a state (InvalidOperationException).
        ObjectDisposedException.ThrowIf(_disposed, this);
        var c = _connection ?? throw new InvalidOperationException($"the transaction is already completed: {what} is not possible");
        c.CheckReady(what);
        return c;
    }

    /// <summary>Commits (COMMIT). A transaction that failed on the server is rolled back and the commit raises.</summary>
    public override void Commit() => EndAsync("COMMIT", false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task CommitAsync(CancellationToken cancellationToken = default) => EndAsync("COMMIT", true, cancellationToken).AsTask();

    /// <summary>Rolls back (ROLLBACK).</summary>
    public override void Rollback() => EndAsync("ROLLBACK", false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task RollbackAsync(CancellationToken cancellationToken = default) => EndAsync("ROLLBACK", true, cancellationToken).AsTask();

    private async ValueTask EndAsync(string command, bool async, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var connection = Live(command);
        var inner = connection.Inner;
        await SessionReset.FlushAsync(inner, async).ConfigureAwait(false);   // Open, BeginTransaction, Commit with no command between
        var failed = inner.TransactionStatus == TransactionStatus.InError;
        try
        {
            if (command == "COMMIT")
            {
                if (async) await inner.CommitAsync(ct).ConfigureAwait(false); else inner.Commit();
            }
            else if (async) await inner.RollbackAsync(ct).ConfigureAwait(false);
            else inner.Rollback();
        }
        finally
        {
            Finish(connection);
        }
        // The server answers COMMIT of a failed transaction with ROLLBACK: that is no commit.
        if (command == "COMMIT" && failed)
            throw new Errors.InFailedSqlTransaction("the transaction had failed and was rolled back, not committed");
    }

    private void Finish(SharpgresConnection connection)
    {
        _connection = null;
        if (ReferenceEquals(connection.CurrentTransaction, this)) connection.CurrentTransaction = null;
        var inner = connection.AsSharpgres();
        if (!inner.Closed && inner.TransactionStatus == TransactionStatus.Idle)
        {
            inner.Autocommit = _previousAutocommit;
            inner.IsolationLevel = _previousLevel;
        }
    }

    /// <summary>The connection closed under the transaction (the server rolls it back).</summary>
    internal void Forget() => _connection = null;

    /// <summary>SAVEPOINT <paramref name="savepointName"/> (opens the transaction first if nothing ran yet).</summary>
    public override void Save(string savepointName) => SavepointAsync("SAVEPOINT", savepointName, false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task SaveAsync(string savepointName, CancellationToken cancellationToken = default) =>
        SavepointAsync("SAVEPOINT", savepointName, true, cancellationToken).AsTask();

    /// <summary>ROLLBACK TO SAVEPOINT <paramref name="savepointName"/>: undoes what followed it; the transaction goes on.</summary>
    public override void Rollback(string savepointName) => SavepointAsync("ROLLBACK TO SAVEPOINT", savepointName, false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task RollbackAsync(string savepointName, CancellationToken cancellationToken = default) =>
        SavepointAsync("ROLLBACK TO SAVEPOINT", savepointName, true, cancellationToken).AsTask();

    /// <summary>RELEASE SAVEPOINT <paramref name="savepointName"/>.</summary>
    public override void Release(string savepointName) => SavepointAsync("RELEASE SAVEPOINT", savepointName, false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task ReleaseAsync(string savepointName, CancellationToken cancellationToken = default) =>
        SavepointAsync("RELEASE SAVEPOINT", savepointName, true, cancellationToken).AsTask();

    private async ValueTask SavepointAsync(string command, string name, bool async, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ct.ThrowIfCancellationRequested();
        var inner = Live(command).Inner;
        // A pending reset is its own query: in one with the BEGIN it would join (and roll back with) the transaction.
        await SessionReset.FlushAsync(inner, async).ConfigureAwait(false);
        var sql = command + " " + ServerCursor.QuoteIdentifier(name);
        if (inner.NeedsBegin) sql = inner.BeginStatement() + "; " + sql;
        await inner.RunCommandAsync(sql, async, ct).ConfigureAwait(false);
    }

    /// <summary>Rolls back unless committed.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _connection is { } c && c.State == ConnectionState.Open)
        {
            try { Rollback(); }
            catch (InvalidOperationException) { _connection = null; }   // a reader is still open: Close rolls back
        }
        _disposed = true;
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_connection is { } c && c.State == ConnectionState.Open)
        {
            try { await RollbackAsync().ConfigureAwait(false); }
            catch (InvalidOperationException) { _connection = null; }
        }
        _disposed = true;
    }
}
