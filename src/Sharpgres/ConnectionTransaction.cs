namespace Sharpgres;

/// <summary>Transaction blocks on a connection: <c>using var tx = conn.Transaction()</c> and the delegate forms.</summary>
public sealed partial class Connection
{
    private int _transactionDepth;

    internal int TransactionDepth
    {
        get => _transactionDepth;
        set => _transactionDepth = value;
    }

    /// <summary>Opens a transaction block now: BEGIN, or a SAVEPOINT when a transaction is already open.</summary>
    public Transaction Transaction() => Sharpgres.Transaction.BeginAsync(this, false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Transaction()"/>: sends BEGIN (or SAVEPOINT inside a transaction) now and returns the block to commit or roll back.</summary>
    public Task<Transaction> TransactionAsync(CancellationToken cancellationToken = default) =>
        Sharpgres.Transaction.BeginAsync(this, true, cancellationToken).AsTask();

    /// <summary>
    /// psycopg's <c>with conn.transaction():</c> — commits when <paramref name="body"/> returns, rolls back and rethrows
    /// when it throws; a <see cref="Rollback"/> exception for this block rolls back quietly.
    /// </summary>
    public void Transaction(Action<Transaction> body)
    {
        var tx = Transaction();
        try
        {
            body(tx);
        }
        catch (Rollback r) when (r.Transaction is null || r.Transaction == tx)
        {
            tx.Dispose();
            return;
        }
        catch
        {
            if (!Closed) tx.Dispose();
            throw;
        }
        tx.Commit();
    }

    /// <summary>The block form returning a value.</summary>
    public T Transaction<T>(Func<Transaction, T> body)
    {
        T result = default!;
        Transaction(tx => { result = body(tx); });
        return result;
    }

    /// <summary>The async block form: commit on completion, roll back and rethrow on exception.</summary>
    public async Task TransactionAsync(Func<Transaction, Task> body, CancellationToken cancellationToken = default)
    {
        var tx = await TransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await body(tx).ConfigureAwait(false);
        }
        catch (Rollback r) when (r.Transaction is null || r.Transaction == tx)
        {
            await tx.DisposeAsync().ConfigureAwait(false);
            return;
        }
        catch
        {
            if (!Closed) await tx.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
