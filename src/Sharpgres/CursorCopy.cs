using Sharpgres.Results;

namespace Sharpgres;

/// <summary>psycopg's <c>cursor.copy()</c>: COPY FROM STDIN / TO STDOUT through a <see cref="Sharpgres.Copy"/> object.</summary>
public partial class Cursor<TRow>
{
    /// <summary>
    /// Starts a COPY: <c>using var copy = cur.Copy("COPY t (a, b) FROM STDIN")</c>. %s / %(name)s placeholders are
    /// merged client-side as literals (COPY can't take bound parameters). After the COPY, RowCount is its row count.
    /// Prefer <see cref="Copy(string, Action{Sharpgres.Copy})"/> when writing: it rolls the COPY back if the body throws.
    /// </summary>
    public Sharpgres.Copy Copy(string statement, params object?[] args) =>
        StartCopyAsync(statement, args, false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Copy(string, object?[])"/>: starts a COPY FROM STDIN / TO STDOUT and returns the <see cref="Sharpgres.Copy"/> object to write or read it with.</summary>
    public Task<Sharpgres.Copy> CopyAsync(string statement, object?[]? args = null, CancellationToken cancellationToken = default) =>
        StartCopyAsync(statement, args, true, cancellationToken).AsTask();

    /// <summary>
    /// Runs a COPY around <paramref name="body"/>: when the body returns, the COPY is finished (CopyDone); when it
    /// throws, CopyFail carries the exception's message, the server loads nothing, and the exception is rethrown —
    /// psycopg's <c>with cur.copy(...) as copy:</c>.
    /// </summary>
    public void Copy(string statement, Action<Sharpgres.Copy> body) => Copy(statement, [], body);

    /// <summary>Runs a COPY with %s placeholders merged from <paramref name="args"/> around <paramref name="body"/>: finished when the body returns, abandoned with CopyFail (nothing loaded) when it throws.</summary>
    public void Copy(string statement, object?[] args, Action<Sharpgres.Copy> body)
    {
        var copy = Copy(statement, args);
        try
        {
            body(copy);
        }
        catch (Exception e)
        {
            try { copy.Fail(e.Message); }
            catch (Exception) { /* the connection broke: the body's exception is the one to report */ }
            throw;
        }
        copy.Finish();
    }

    /// <summary>Async form of psycopg's <c>async with acur.copy(...) as copy:</c>: finished when <paramref name="body"/> completes, abandoned with CopyFail (nothing loaded) when it throws.</summary>
    public Task CopyAsync(string statement, Func<Sharpgres.Copy, Task> body, CancellationToken cancellationToken = default) =>
        CopyAsync(statement, [], body, cancellationToken);

    /// <summary>Async COPY with %s placeholders merged from <paramref name="args"/> around <paramref name="body"/>: finished when the body completes, abandoned with CopyFail when it throws.</summary>
    public async Task CopyAsync(string statement, object?[] args, Func<Sharpgres.Copy, Task> body, CancellationToken cancellationToken = default)
    {
        var copy = await CopyAsync(statement, args, cancellationToken).ConfigureAwait(false);
        try
        {
            await body(copy).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            try { await copy.FailAsync(e.Message).ConfigureAwait(false); }
            catch (Exception) { /* the connection broke: the body's exception is the one to report */ }
            throw;
        }
        await copy.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Sharpgres.Copy> StartCopyAsync(string statement, object?[]? args, bool async, CancellationToken ct)
    {
        CheckOpen();
        // COPY leaves a pipeline unrecoverable (the server's copy mode can't be queued): refuse, as psycopg.
        if (Connection.ActivePipeline is not null) throw new NotSupportedError("COPY cannot be used in pipeline mode");
        IReadOnlyDictionary<string, object?>? named = null;
        if (args is [{ } single] && single is not string && !IsScalar(single) && Queries.ParsedQuery.Get(statement).Names is not null)
        {
            named = Queries.NamedArguments.From(single);
            args = null;
        }
        var sql = Queries.SqlLiteral.MergeArguments(statement, args, named, Connection);
        ResetResults();
        // The COPY's span runs from its start to its end (CopyDone / CopyFail answered, or the data read to the end).
        var op = OperationScope.StartDetached(Connection, PgOperationKind.Copy, sql);
        Protocol.Backend.RowDescription? shape = null;
        Sharpgres.Copy copy;
        try
        {
            copy = await Sharpgres.Copy.StartAsync(Connection, sql, (tag, rows, error) =>
            {
                var result = new ResultSet(shape, Connection.ReadContext) { DescribesOnly = shape is not null };
                result.Complete(tag ?? "");
                SetResults([result], rows);
                if (error is not null) op.Fail(error);
                op.SetRows(rows, returned: false);
                op.Dispose();
            }, async, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            op.Fail(e);
            op.Dispose();
            throw;
        }
        // psycopg describes a COPY while it runs: column_1 ..., without types (CopyOutResponse and CopyInResponse give
        // only the number of columns and their format). After it, a COPY TO keeps that description and a COPY FROM
        // has none: its result is the command's (checked with psycopg 3.1.7).
        var described = new Protocol.Backend.RowDescription(Enumerable.Range(1, copy.ColumnCount)
            .Select(i => new Protocol.Backend.FieldDescription($"column_{i}", 0, 0, 0, 0, 0, (short)(copy.Binary ? 1 : 0))).ToArray());
        if (copy.Direction == CopyDirection.ToStdout) shape = described;
        SetResult(new ResultSet(described, Connection.ReadContext) { DescribesOnly = true }, -1);
        return copy;
    }
}
