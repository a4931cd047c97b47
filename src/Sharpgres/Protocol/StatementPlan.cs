using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Types;

namespace Sharpgres.Protocol;

/// <summary>
/// How one execution of a statement goes on the wire: which statement name, whether to Parse and Describe, and
/// which result format to ask for. Binary results need a known shape, so the first run of a SQL text asks for text
/// and remembers the RowDescription; later runs ask binary when every column has a binary codec.
/// </summary>
internal sealed class StatementPlan
{
    private readonly StatementCache _cache;
    private readonly StatementCache.Entry _entry;
    private readonly string _sql;
    private readonly bool _parse;
    private readonly bool _describe;
    private readonly bool _prepareNow;
    private readonly short[] _resultFormats;

    private StatementPlan(StatementCache cache, StatementCache.Entry entry, string sql, string name, bool parse, bool describe, bool prepareNow, short[] resultFormats)
    {
        _cache = cache;
        _entry = entry;
        _sql = sql;
        Name = name;
        _parse = parse;
        _describe = describe;
        _prepareNow = prepareNow;
        _resultFormats = resultFormats;
    }

    public string Name { get; }
    public string Sql => _sql;
    public bool WasPrepared => Name.Length > 0;

    public static StatementPlan Create(Connection connection, Session session, string sql, in BoundParameters parameters, bool? prepare, TypeRegistry? types = null)
    {
        var cache = session.Statements;
        var entry = cache.Touch(sql, parameters.Oids);
        var registry = types ?? connection.Types;
        if ((entry.PreparedName ?? entry.PendingName) is { } prepared)
        {
            // The prepared statement's own description: its columns are fixed, so each can have its own format.
            // (A statement still pending in a pipeline has none yet: one format for all, from the SQL's last shape.)
            var formats = entry.Description is { } d ? ResultFormats.PerColumn(d, registry) : ResultFormats.Uniform(cache.ShapeOf(sql), registry);
            var known = entry.Description is { } described && ResultFormats.Match(described, formats);
            // The same prepared statement run again (a point query): the plan is immutable, so the last one serves.
            if (entry.PreparedPlan is { } last && ReferenceEquals(last.Name, prepared) && ReferenceEquals(last._resultFormats, formats) && last._describe == !known)
                return last;
            return entry.PreparedPlan = new StatementPlan(cache, entry, sql, prepared, parse: false, describe: !known, prepareNow: false, formats);
        }
        var format = ResultFormats.Uniform(entry.Description ?? cache.ShapeOf(sql), registry);
        var threshold = connection.PrepareThreshold;
        var shouldPrepare = prepare ?? (threshold is { } t && entry.Executions > t);
        if (shouldPrepare)
        {
            // Later statements of the same batch (a pipeline) reuse the name instead of preparing again.
            entry.PendingName = cache.NewName();
            return new StatementPlan(cache, entry, sql, entry.PendingName, parse: true, describe: true, prepareNow: true, format);
        }
        return new StatementPlan(cache, entry, sql, "", parse: true, describe: true, prepareNow: false, format);
    }

    /// <summary>Writes the execution; <paramref name="maxRows"/> &gt; 0 suspends the portal after that many rows (streaming).</summary>
    public void Write(WriteBuffer w, in BoundParameters parameters, in ReadContext context, int maxRows = 0)
    {
        if (_parse) w.WriteParse(Name, _sql, parameters.Oids);
        w.WriteBind(Name, parameters, _resultFormats, context);
        if (_describe) w.WriteDescribe((byte)'P', "");
        w.WriteExecute("", maxRows);
    }

    /// <summary>The statement's cache entry: what its runs taught (<see cref="Results.EagerFetch"/>) lives there.</summary>
    public StatementCache.Entry Statement => _entry;

    /// <summary>The description to decode with when Describe was skipped.</summary>
    public RowDescription? KnownDescription => _describe ? null : _entry.Description;

    public void Succeeded(RowDescription? description)
    {
        // A description that was known (Describe skipped) is the remembered one: no dictionary write per execute.
        if (description is not null && _describe) _cache.RememberShape(_sql, description);
        if (WasPrepared) _cache.MarkPrepared(_entry, Name);
        if (WasPrepared && description is not null) _entry.Description = description;
    }

    public void Failed()
    {
        if (WasPrepared && !_prepareNow) _cache.Forget(_entry);
        if (_prepareNow) { _entry.PendingName = null; _entry.Executions = 0; }
    }

    public void Trim(int max) => _cache.Trim(max);
}
