using System.Runtime.CompilerServices;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Queries;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>Execute and ExecuteMany: one round trip per statement, one per chunk of parameter sets.</summary>
public partial class Cursor<TRow>
{
    /// <summary>
    /// Executes a query with %s placeholders bound to <paramref name="args"/> in order; when the query uses
    /// %(name)s placeholders, pass one object or dictionary whose properties / keys name the values.
    /// Without arguments the query is sent untouched (so '%' needs no escaping).
    /// </summary>
    public Cursor<TRow> Execute(string query, params object?[] args)
    {
        ExecuteAsync(query, args, null, false, default).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>Executes with named parameters from a dictionary: %(name)s.</summary>
    public Cursor<TRow> Execute(string query, IReadOnlyDictionary<string, object?> args)
    {
        ExecuteCoreAsync(query, null, args, null, false, default).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>Executes, forcing (true) or forbidding (false) a server-side prepared statement.</summary>
    public Cursor<TRow> Execute(string query, object?[] args, bool prepare)
    {
        ExecuteAsync(query, args, prepare, false, default).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>An interpolated query: every hole becomes a bound parameter, never SQL text.</summary>
    public Cursor<TRow> Execute(ref PgInterpolatedStringHandler query)
    {
        ExecuteCoreAsync(query.Sql, query.Arguments, null, null, false, default).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>psycopg's <c>await acur.execute(query, params)</c>: %s placeholders bound to <paramref name="args"/> (or one object or dictionary for %(name)s); cancelling the token sends a CancelRequest.</summary>
    public Task<Cursor<TRow>> ExecuteAsync(string query, object?[]? args = null, CancellationToken cancellationToken = default)
    {
        try { return Returning(ExecuteAsync(query, args, null, true, cancellationToken)); }
        catch (Exception e) { return Task.FromException<Cursor<TRow>>(e); }   // an argument error, as an async method would report it
    }

    /// <summary>Async execute with named parameters (an object or a dictionary).</summary>
    public Task<Cursor<TRow>> ExecuteAsync(string query, object namedArgs, CancellationToken cancellationToken = default)
    {
        try { return Returning(ExecuteCoreAsync(query, null, NamedArguments.From(namedArgs), null, true, cancellationToken)); }
        catch (Exception e) { return Task.FromException<Cursor<TRow>>(e); }   // an argument error, as an async method would report it
    }

    /// <summary>Async execute forcing (<paramref name="prepare"/> true) or forbidding (false) a server-side prepared statement, as psycopg's <c>execute(..., prepare=)</c>.</summary>
    public Task<Cursor<TRow>> ExecuteAsync(string query, object?[]? args, bool prepare, CancellationToken cancellationToken = default)
    {
        try { return Returning(ExecuteAsync(query, args, prepare, true, cancellationToken)); }
        catch (Exception e) { return Task.FromException<Cursor<TRow>>(e); }   // an argument error, as an async method would report it
    }

    /// <summary>Async execute of an interpolated query: every hole becomes a bound parameter, never SQL text.</summary>
    public Task<Cursor<TRow>> ExecuteAsync(ref PgInterpolatedStringHandler query, CancellationToken cancellationToken = default) =>
        ExecuteAsync(query.Sql, query.Arguments, cancellationToken);

    private Task<Cursor<TRow>>? _completedSelf;

    /// <summary>
    /// The cursor as the result of an execute. When the round trip finished without suspending (the reply was read
    /// while spinning), one completed task kept per cursor: an async execute then allocates no Task of its own
    /// (68 B per query before). Otherwise a task awaiting it; a failure always surfaces through the task.
    /// </summary>
    private Task<Cursor<TRow>> Returning(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully) return Awaiting(pending);
        pending.GetAwaiter().GetResult();   // gives a pooled state machine box back, if one was used
        return _completedSelf ??= Task.FromResult(this);
    }

    private async Task<Cursor<TRow>> Awaiting(ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        return this;
    }

    /// <summary>One object for a query with %(name)s placeholders is the name source; otherwise args are positional.</summary>
    private ValueTask ExecuteAsync(string query, object?[]? args, bool? prepare, bool async, CancellationToken ct)
    {
        if (IsNamedSource(query, args))
            return ExecuteCoreAsync(query, null, NamedArguments.From(args![0]!), prepare, async, ct);
        return ExecuteCoreAsync(query, args, null, prepare, async, ct);
    }

    private static bool IsScalar(object value) => value.GetType() is var t && (t.IsPrimitive || t.IsEnum || t.Namespace == "System");

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask ExecuteCoreAsync(string query, object?[]? positional, IReadOnlyDictionary<string, object?>? named,
        bool? prepare, bool async, CancellationToken ct)
    {
        CheckOpen();
        CheckRawNamed(named);
        var noArgs = (positional is null || positional.Length == 0) && named is null;
        if (Binding == Binding.Client && !noArgs)
        {
            // psycopg's ClientCursor: the merged text is the statement, with nothing left to bind.
            query = SqlLiteral.MergeArguments(query, positional, named, Connection);
            (positional, named, noArgs) = (null, null, true);
        }
        if (!ReferenceEquals(query, _checkedQuery))
        {
            Queries.StatementGuard.Check(query, "Execute");
            Queries.ClientEncoding.CheckStatement(query);
            // Both checks read the text alone and a string never changes: the same statement run again (a loop's
            // constant) skips two scans of its text per execute.
            _checkedQuery = query;
        }
        ResetResults();
        var parsed = noArgs ? null : ParseQuery(query);
        // One span per Execute; in a pipeline the statement is only queued, and the Sync is the operation.
        var op = Connection.ActivePipeline is null ? OperationScope.Start(Connection, PgOperationKind.Execute, parsed?.Sql ?? query) : default;
        try
        {
            if (noArgs && SqlText.HasMultipleStatements(query))
                await ExecuteSimpleAsync(query, async, ct).ConfigureAwait(false);
            else if (parsed is null)
                await ExecuteExtendedAsync(query, BoundParameters.Empty, prepare, retry: true, async, ct).ConfigureAwait(false);
            else
            {
                // The parameters' arrays are done with when the round trip ends: reuse them (taken, so a second thread
                // misusing the cursor at the same time gets its own and then its InterfaceError, never these values).
                var scratch = Interlocked.Exchange(ref _parameterScratch, null) ?? new BoundParameters.Scratch();
                try
                {
                    var values = parsed.Arrange(positional, named);
                    if (op.WantsParameters) op.SetParameters(values);
                    var parameters = BoundParameters.Create(parsed, values, ActiveTypes, scratch);
                    await ExecuteExtendedAsync(parsed.Sql, parameters, prepare, retry: true, async, ct).ConfigureAwait(false);
                }
                finally { _parameterScratch = scratch; }
            }
            if (op.IsObserved) op.SetRows(_rowCount, _current?.Description is not null);
        }
        catch (Exception e) when (op.Fail(e)) { throw; }
        finally { op.Dispose(); }
    }

    private BoundParameters.Scratch? _parameterScratch;
    /// <summary>The last statement text StatementGuard and ClientEncoding passed (compared by reference).</summary>
    private string? _checkedQuery;
    private List<ResultSet>? _resultScratch;

    /// <summary>Several statements without parameters: the simple protocol, one result per statement.</summary>
    private async ValueTask ExecuteSimpleAsync(string query, bool async, CancellationToken ct)
    {
        if (Connection.ActivePipeline is not null)
            throw new ProgrammingError("several statements in one Execute are not allowed in pipeline mode");
        var session = Connection.Session;
        session.EnterOperation();
        var registration = session.RegisterCancellation(ct);
        try
        {
            var readyCount = 1;
            if (Connection.NeedsBegin) { session.Writer.WriteQuery(Connection.BeginStatement()); readyCount++; }
            session.Writer.WriteQuery(query);
            await session.FlushAsync(async, ct).ConfigureAwait(false);
            var results = new List<ResultSet>();
            var error = await ResultReader.ReadAsync(session, results, readyCount, ReadContext, async, ct, simpleQuery: true).ConfigureAwait(false);
            if (readyCount == 2 && results.Count > 0 && results[0].Description is null && results[0].CommandTag == "BEGIN") results.RemoveAt(0);
            if (error is not null) throw error;
            SetResults(results, results.Count > 0 ? results[0].RowCount : -1);
        }
        finally
        {
            await EndOperationAsync(session, registration).ConfigureAwait(false);
        }
    }

    private static async ValueTask EndOperationAsync(Session session, CancellationTokenRegistration registration)
    {
        await registration.DisposeAsync().ConfigureAwait(false);
        session.ClearCancelDeadline();
        session.ExitOperation();
    }

    /// <summary>
    /// The extended protocol round trip: [BEGIN] [Close evicted] [Parse] Bind [Describe] Execute Sync — one flush.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ExecuteExtendedAsync(string sql, BoundParameters parameters, bool? prepare, bool retry, bool async, CancellationToken ct)
    {
        if (Connection.ActivePipeline is { } pipeline)
        {
            QueueInPipeline(pipeline, sql, parameters, prepare);
            return;
        }
        var session = Connection.Session;
        session.EnterOperation();
        var registration = session.RegisterCancellation(ct);
        var wasIdle = session.TransactionStatus == TransactionStatus.Idle;
        StatementPlan plan;
        Error? error;
        ResultSet? result = null;
        try
        {
            var readyCount = 1;
            var start = session.Writer.Position;
            var closes = session.Statements.PendingCloses.ToArray();
            try
            {
                if (Connection.NeedsBegin) { session.Writer.WriteQuery(Connection.BeginStatement()); readyCount++; }
                WritePendingCloses(session);
                plan = StatementPlan.Create(Connection, session, sql, parameters, prepare, ActiveTypes);
                plan.Write(session.Writer, parameters, ReadContext);
                session.Writer.WriteSync();
            }
            catch
            {
                // A parameter that can't be encoded (NUL in text, mixed array...): nothing of this round trip may
                // stay in the buffer, or the next one would send a stray BEGIN/Parse with it.
                session.Writer.Truncate(start);
                session.Statements.PendingCloses.Clear();
                session.Statements.PendingCloses.AddRange(closes);
                throw;
            }
            await session.FlushAsync(async, ct).ConfigureAwait(false);
            // The list only carries the results out of the reader (the cursor keeps the last one): one per cursor.
            var results = _resultScratch ??= new List<ResultSet>(2);
            results.Clear();
            error = await ResultReader.ReadAsync(session, results, readyCount, ReadContext, async, ct, plan.KnownDescription,
                statement: plan.Statement.EagerFetch is null ? null : plan.Statement).ConfigureAwait(false);
            if (readyCount == 2 && results.Count > 0 && results[0].CommandTag == "BEGIN") results.RemoveAt(0);
            if (results.Count > 0) result = results[^1];
            results.Clear();
        }
        finally
        {
            await EndOperationAsync(session, registration).ConfigureAwait(false);
        }

        if (error is null)
        {
            result ??= new ResultSet(null, ReadContext);
            if (result.Description is not null) result.Statement = plan.Statement;   // a whole fetch of it teaches the next run
            plan.Succeeded(result.Description);
            plan.Trim(Connection.PreparedMax);
            SetResult(result, result.RowCount);
            return;
        }
        plan.Failed();
        // A prepared plan invalidated by DDL ("cached plan must not change result type"), or prepared statements
        // dropped by DISCARD: prepare again once, when no transaction was aborted by the failure.
        if (retry && plan.WasPrepared && wasIdle && Connection.Autocommit && IsStalePlan(error))
        {
            await ExecuteExtendedAsync(sql, parameters, prepare, retry: false, async, ct).ConfigureAwait(false);
            return;
        }
        throw error;
    }

    private static bool IsStalePlan(Error e) =>
        e.SqlState is "0A000" && e.Diagnostics?.MessagePrimary?.Contains("cached plan must not change result type") == true
        || e.SqlState is "26000";

    internal static void WritePendingCloses(Session session)
    {
        var pending = session.Statements.PendingCloses;
        if (pending.Count == 0) return;
        foreach (var name in pending) session.Writer.WriteClose((byte)'S', name);
        pending.Clear();
    }
}
