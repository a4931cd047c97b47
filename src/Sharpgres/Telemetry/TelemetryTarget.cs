using System.Collections.Concurrent;

namespace Sharpgres;

/// <summary>
/// Where a connection's operations go, for db.namespace / server.address / server.port: built once per connection.
/// It also keeps, per SQL text, what a traced operation of that text starts with (<see cref="SpanTemplate"/>), so a
/// statement run again and again builds its span name and start attributes once, not on every call.
/// </summary>
internal sealed class TelemetryTarget(string database, string host, int port)
{
    /// <summary>Distinct texts kept; past it the cache starts over (texts with literals spliced in stay bounded).</summary>
    private const int MaxTemplates = 256;

    private ConcurrentDictionary<string, SpanTemplate>? _templates;

    public string Database { get; } = database;
    public string Host { get; } = host;
    public int Port { get; } = port;

    /// <summary>The port boxed once, for the span and metric attributes.</summary>
    public object BoxedPort { get; } = port;

    /// <summary>The cached start of a plain operation of <paramref name="sql"/> (no batch, shape parsed from the text).</summary>
    public SpanTemplate Template(string sql, Func<string, TelemetryTarget, SpanTemplate> create)
    {
        var templates = _templates ??= new ConcurrentDictionary<string, SpanTemplate>(StringComparer.Ordinal);
        if (templates.TryGetValue(sql, out var template)) return template;
        template = create(sql, this);
        if (templates.Count >= MaxTemplates) templates.Clear();
        templates.TryAdd(sql, template);
        return template;
    }
}

/// <summary>
/// What every traced operation of one SQL text on one connection starts with: the info of an Execute of it (its parsed
/// shape), the default span name and the start attributes (never mutated once built: the SDK copies them into each span).
/// </summary>
internal sealed class SpanTemplate(QueryShape shape, PgOperationInfo executeInfo, string spanName, KeyValuePair<string, object?>[] startTags)
{
    public PgOperationInfo ExecuteInfo { get; } = executeInfo;
    public QueryShape Shape { get; } = shape;
    public string SpanName { get; } = spanName;
    public KeyValuePair<string, object?>[] StartTags { get; } = startTags;
}
