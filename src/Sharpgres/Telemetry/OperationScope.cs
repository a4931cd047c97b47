using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Sharpgres;

/// <summary>
/// One observed database operation: its span (kind Client), its db.client.operation.duration measurement and its
/// Debug log line. <see cref="Start"/> returns an empty scope (no allocation, no clock read) when nobody listens;
/// every other member is a no-op on an empty scope. Used as
/// <c>var op = OperationScope.Start(...); try { ... } catch (Exception e) when (op.Fail(e)) { throw; } finally { op.Dispose(); }</c>
/// (the filter records the error without catching it).
/// </summary>
internal struct OperationScope
{
    private readonly PgOperationInfo? _info;
    private readonly Activity? _activity;
    private readonly ILogger? _logger;
    private readonly PgTelemetryOptions? _options;
    private readonly long _start;
    private Exception? _error;
    private long _rows;
    private bool _returnedRows;
    private string? _parameters;

    private OperationScope(PgOperationInfo info, Activity? activity, ILogger logger, PgTelemetryOptions options, long start)
    {
        _info = info;
        _activity = activity;
        _logger = logger;
        _options = options;
        _start = start;
        _rows = -1;
    }

    /// <summary>True when the operation is observed (the caller may compute what only telemetry needs).</summary>
    public readonly bool IsObserved => _info is not null;

    /// <summary>True when parameter values were opted in and someone records them.</summary>
    public readonly bool WantsParameters => _info is not null && _options!.RecordParameterValues;

    /// <summary>
    /// Starts observing an operation of <paramref name="connection"/>; <paramref name="sql"/> is the text as sent
    /// ($n placeholders). <paramref name="shape"/> overrides what is parsed from it (batches, commands of our own).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OperationScope Start(Connection connection, PgOperationKind kind, string? sql, int batchSize = 0, QueryShape? shape = null)
    {
        var loggers = connection.Loggers;
        if (!SharpgresTelemetry.IsObserved(loggers.ForOperation(kind))) return default;
        return StartObserved(connection.TelemetryTarget, loggers, connection.Telemetry, kind, sql, batchSize, shape, ambient: true);
    }

    /// <summary>
    /// As <see cref="Start"/>, for an operation that outlives the call starting it (Stream, Copy): the span does not
    /// become Activity.Current, so the caller's own work between two rows isn't parented under the database span.
    /// </summary>
    /// <paramref name="rewrite"/>: <paramref name="sql"/> has %s placeholders that go out as $n.
    public static OperationScope StartDetached(Connection connection, PgOperationKind kind, string sql, bool rewrite = false)
    {
        var loggers = connection.Loggers;
        if (!SharpgresTelemetry.IsObserved(loggers.ForOperation(kind))) return default;
        if (rewrite) sql = Queries.ParsedQuery.Get(sql).Sql;
        return StartObserved(connection.TelemetryTarget, loggers, connection.Telemetry, kind, sql, 0, null, ambient: false);
    }

    /// <summary>True when an operation of <paramref name="kind"/> on <paramref name="connection"/> would be recorded at all.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsObservedOn(Connection connection, PgOperationKind kind) =>
        SharpgresTelemetry.IsObserved(connection.Loggers.ForOperation(kind));

    /// <summary>
    /// Statements sent together (a pipeline Sync, a DbBatch, a DbCommand of several statements): the texts joined
    /// with "; " as db.query.text, one shape when there is one statement and a "BATCH ..." shape with
    /// db.operation.batch.size when there are more. The caller has checked <see cref="IsObservedOn"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static OperationScope StartStatements(Connection connection, PgOperationKind kind, string[] statements, bool ambient)
    {
        var shape = statements.Length == 1 ? QueryShape.Of(statements[0]) : QueryShape.Batch(statements.Select(QueryShape.Of).ToArray());
        return StartObserved(connection.TelemetryTarget, connection.Loggers, connection.Telemetry, kind, string.Join("; ", statements),
            statements.Length, shape, ambient);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static OperationScope StartObserved(TelemetryTarget target, Loggers loggers, PgTelemetryOptions options, PgOperationKind kind,
        string? sql, int batchSize, QueryShape? shape, bool ambient)
    {
        var logger = loggers.ForOperation(kind);
        // A plain statement (the common case: the same text run again and again) takes its shape, span name and start
        // attributes from the connection's cache; batches and commands with a shape of their own build them each time.
        var template = sql is not null && shape is null && batchSize < 2 ? target.Template(sql, CreateTemplate) : null;
        // An Execute's info is immutable (only ExecuteMany sets its batch size later), so the template's is shared.
        var info = kind == PgOperationKind.Execute && template is not null ? template.ExecuteInfo
            : new PgOperationInfo(kind, sql, template?.Shape ?? shape ?? (sql is null ? QueryShape.None : QueryShape.Of(sql)), target, batchSize);
        Activity? activity = null;
        if (SharpgresTelemetry.Source.HasListeners() && (kind != PgOperationKind.Connect || options.TraceConnect) && Passes(options, info, loggers))
        {
            var previous = Activity.Current;
            var name = options.SpanNameProvider is null && template is not null ? template.SpanName : SpanName(options, info, loggers);
            activity = SharpgresTelemetry.Source.StartActivity(name, ActivityKind.Client, default(ActivityContext), template?.StartTags ?? StartTags(info, target));
            if (!ambient && activity is not null) Activity.Current = previous;
        }
        return new OperationScope(info, activity, logger, options, Stopwatch.GetTimestamp());
    }

    private static SpanTemplate CreateTemplate(string sql, TelemetryTarget target)
    {
        var shape = QueryShape.Of(sql);
        var info = new PgOperationInfo(PgOperationKind.Execute, sql, shape, target, 0);
        return new SpanTemplate(shape, info, DefaultSpanName(info), StartTags(info, target));
    }

    private static bool Passes(PgTelemetryOptions options, PgOperationInfo info, Loggers loggers)
    {
        if (options.Filter is not { } filter) return true;
        try { return filter(info); }
        catch (Exception e) { Log.TelemetryCallbackFailed(loggers.Connection, e); return false; }
    }

    private static string SpanName(PgTelemetryOptions options, PgOperationInfo info, Loggers loggers)
    {
        if (options.SpanNameProvider is { } provider)
        {
            try { if (provider(info) is { Length: > 0 } name) return name; }
            catch (Exception e) { Log.TelemetryCallbackFailed(loggers.Connection, e); }
        }
        return DefaultSpanName(info);
    }

    /// <summary>The conventions' span name: the query summary, else "{operation} {target}", else the system name.</summary>
    private static string DefaultSpanName(PgOperationInfo info) =>
        info.QuerySummary ?? (info.OperationName is { } op ? $"{op} {info.CollectionName ?? info.StoredProcedureName ?? TargetName(info)}" : SharpgresTelemetry.DbSystem);

    private static string TargetName(PgOperationInfo info) =>
        info.Database.Length > 0 ? info.Database : info.ServerPort == 5432 ? info.ServerAddress : $"{info.ServerAddress}:{info.ServerPort}";

    /// <summary>The attributes the conventions want at span creation (so samplers see them), sized exactly.</summary>
    private static KeyValuePair<string, object?>[] StartTags(PgOperationInfo info, TelemetryTarget target)
    {
        Span<KeyValuePair<string, object?>> tags = new KeyValuePair<string, object?>[10];
        var n = 0;
        tags[n++] = new(SharpgresTelemetry.Tags.DbSystemName, SharpgresTelemetry.DbSystem);
        tags[n++] = new(SharpgresTelemetry.Tags.DbNamespace, info.Database);
        tags[n++] = new(SharpgresTelemetry.Tags.ServerAddress, info.ServerAddress);
        if (info.ServerPort != 5432) tags[n++] = new(SharpgresTelemetry.Tags.ServerPort, target.BoxedPort);
        if (info.QueryText is { } text) tags[n++] = new(SharpgresTelemetry.Tags.DbQueryText, text);
        if (info.OperationName is { } op) tags[n++] = new(SharpgresTelemetry.Tags.DbOperationName, op);
        if (info.CollectionName is { } collection) tags[n++] = new(SharpgresTelemetry.Tags.DbCollectionName, collection);
        if (info.StoredProcedureName is { } procedure) tags[n++] = new(SharpgresTelemetry.Tags.DbStoredProcedureName, procedure);
        if (info.QuerySummary is { } summary) tags[n++] = new(SharpgresTelemetry.Tags.DbQuerySummary, summary);
        if (info.BatchSize >= 2) tags[n++] = new(SharpgresTelemetry.Tags.DbOperationBatchSize, info.BatchSize);
        return tags[..n].ToArray();
    }

    private static readonly object[] SmallRowCounts = Enumerable.Range(0, 64).Select(i => (object)(long)i).ToArray();

    /// <summary>A row count as the attribute's object: the common small counts boxed once.</summary>
    private static object BoxedRows(long rows) => rows < SmallRowCounts.Length ? SmallRowCounts[rows] : rows;

    /// <summary>Records the error the operation ends with; returns false so it can sit in an exception filter.</summary>
    public bool Fail(Exception e)
    {
        if (_info is not null) _error ??= e;
        return false;
    }

    /// <summary>The operation's row count: returned rows when <paramref name="returned"/> (a SELECT), else affected rows.</summary>
    public void SetRows(long rows, bool returned)
    {
        if (_info is null) return;
        _rows = rows;
        _returnedRows = returned;
    }

    /// <summary>The size of a batch known only at its end (ExecuteMany's parameter sets): db.operation.batch.size when 2 or more.</summary>
    public readonly void SetBatchSize(int size)
    {
        if (_info is null) return;
        _info.BatchSize = size;
        if (size >= 2 && _activity is { IsAllDataRequested: true } activity) activity.SetTag(SharpgresTelemetry.Tags.DbOperationBatchSize, size);
    }

    /// <summary>The bound values, recorded only when opted in (<see cref="PgTelemetryOptions.RecordParameterValues"/>).</summary>
    public void SetParameters(IReadOnlyList<object?>? values)
    {
        if (!WantsParameters || values is null || values.Count == 0) return;
        if (_activity is { IsAllDataRequested: true } activity)
            for (var i = 0; i < values.Count; i++)
                activity.SetTag(SharpgresTelemetry.Tags.DbQueryParameterPrefix + i.ToString(CultureInfo.InvariantCulture), ParameterText(values[i]));
        if (_logger!.IsEnabled(LogLevel.Debug))
        {
            var sb = new StringBuilder("[");
            for (var i = 0; i < values.Count; i++) { if (i > 0) sb.Append(", "); ValueFormatter.AppendRepr(sb, values[i]); }
            _parameters = sb.Append(']').ToString();
        }
    }

    private static string ParameterText(object? value) => value switch
    {
        null => "NULL",
        string s => s,
        byte[] bytes => "\\x" + Convert.ToHexString(bytes, 0, Math.Min(bytes.Length, 512)).ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Ends the operation: the span's result tags and status, the duration metric, the Debug log.</summary>
    public readonly void Dispose()
    {
        if (_info is null) return;
        Finish();
    }

    private readonly void Finish()
    {
        var info = _info!;
        var elapsed = Stopwatch.GetElapsedTime(_start);
        var statusCode = _error is Error { SqlState: { Length: > 0 } state } ? state : null;
        var errorType = _error is null ? null : SharpgresTelemetry.ErrorType(_error);
        if (SharpgresTelemetry.OperationDuration.Enabled && info.Kind != PgOperationKind.Connect)
        {
            var tags = new TagList
            {
                { SharpgresTelemetry.Tags.DbSystemName, SharpgresTelemetry.DbSystem },
                { SharpgresTelemetry.Tags.DbNamespace, info.Database },
                { SharpgresTelemetry.Tags.ServerAddress, info.ServerAddress },
            };
            if (info.ServerPort != 5432) tags.Add(SharpgresTelemetry.Tags.ServerPort, info.Target.BoxedPort);
            if (info.OperationName is { } op) tags.Add(SharpgresTelemetry.Tags.DbOperationName, op);
            if (info.CollectionName is { } collection) tags.Add(SharpgresTelemetry.Tags.DbCollectionName, collection);
            if (statusCode is not null) tags.Add(SharpgresTelemetry.Tags.DbResponseStatusCode, statusCode);
            if (errorType is not null) tags.Add(SharpgresTelemetry.Tags.ErrorType, errorType);
            SharpgresTelemetry.OperationDuration.Record(elapsed.TotalSeconds, tags);
        }
        if (_activity is { } activity)
        {
            if (activity.IsAllDataRequested)
            {
                if (_returnedRows && _rows >= 0) activity.SetTag(SharpgresTelemetry.Tags.DbResponseReturnedRows, BoxedRows(_rows));
                if (statusCode is not null) activity.SetTag(SharpgresTelemetry.Tags.DbResponseStatusCode, statusCode);
                if (errorType is not null)
                {
                    activity.SetTag(SharpgresTelemetry.Tags.ErrorType, errorType);
                    // The server's primary message only: its DETAIL may quote row values (Key (id)=(1) already exists).
                    activity.SetStatus(ActivityStatusCode.Error, _error is Error { Diagnostics.MessagePrimary: { } primary } ? primary : _error!.Message);
                }
                if (_options!.Enrich is { } enrich)
                {
                    try { enrich(activity, info); }
                    catch (Exception e) { Log.TelemetryCallbackFailed(Loggers.For().Connection, e); }
                }
            }
            activity.Dispose();
        }
        if (_logger!.IsEnabled(LogLevel.Debug)) WriteLog(info, elapsed.TotalMilliseconds, errorType);
    }

    private readonly void WriteLog(PgOperationInfo info, double ms, string? errorType)
    {
        var sql = info.QueryText ?? "";
        switch (info.Kind)
        {
            case PgOperationKind.Connect:
                if (errorType is not null) Log.ConnectionFailed(_logger!, _error!, info.Database, ms);
                break;   // a successful open is logged by the connection, with its backend pid
            case PgOperationKind.Commit or PgOperationKind.Rollback:
                if (errorType is not null) Log.TransactionEndFailed(_logger!, sql, ms, errorType);
                else if (info.Kind == PgOperationKind.Commit) Log.Committed(_logger!, ms, sql);
                else Log.RolledBack(_logger!, ms, sql);
                break;
            case PgOperationKind.Copy:
                if (errorType is not null) Log.CopyFailed(_logger!, ms, errorType, sql);
                else Log.CopyFinished(_logger!, ms, _rows, sql);
                break;
            default:
                if (errorType is not null) Log.StatementFailed(_logger!, info.Kind, ms, errorType, sql);
                else if (_parameters is not null) Log.StatementExecutedWithParameters(_logger!, info.Kind, ms, _rows, sql, _parameters);
                else Log.StatementExecuted(_logger!, info.Kind, ms, _rows, sql);
                break;
        }
    }
}
