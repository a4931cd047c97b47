using System.Runtime.InteropServices;
using Sharpgres.Protocol.Backend;

namespace Sharpgres.Protocol;

/// <summary>
/// Per-session memory of statements: how often each (SQL, parameter types) ran, which are prepared server-side
/// (psycopg's prepare_threshold / prepared_max, LRU), and the last RowDescription seen for a SQL text — which lets
/// later executions ask for binary results.
/// </summary>
internal sealed class StatementCache
{
    internal sealed class Entry(string sql, uint[] oids)
    {
        public string Sql { get; } = sql;
        public uint[] ParameterOids { get; } = oids;
        public Entry? Next;   // the same SQL with other parameter types
        public int Executions;
        public string? PreparedName;
        public string? PendingName;           // Parse sent, its outcome not read yet (pipelines)
        public RowDescription? Description;   // with the result formats the prepared statement returns
        public StatementPlan? PreparedPlan;   // the last plan that ran the prepared statement (plans are immutable)
        public Results.EagerFetch? EagerFetch; // its whole result was last fetched as one row type: map the next as it arrives
        public LinkedListNode<Entry>? Node;
    }

    // By SQL text, each the head of a short chain of entries by parameter OIDs: no key string is built per execute.
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _count;
    private readonly LinkedList<Entry> _lru = new();
    private readonly Dictionary<string, RowDescription> _shapes = new(StringComparer.Ordinal);
    private int _nextName;

    /// <summary>Prepared statements evicted from the LRU, to be closed at the next round trip.</summary>
    public List<string> PendingCloses { get; } = [];

    public Entry Touch(string sql, uint[] parameterOids)
    {
        ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, sql, out _);
        var entry = head;
        while (entry is not null && !entry.ParameterOids.AsSpan().SequenceEqual(parameterOids)) entry = entry.Next;
        if (entry is null)
        {
            entry = new Entry(sql, parameterOids.ToArray()) { Next = head };   // the caller may reuse its array
            head = entry;
            _count++;
            entry.Node = _lru.AddFirst(entry);
        }
        else if (entry.Node!.Previous is not null)
        {
            _lru.Remove(entry.Node);
            _lru.AddFirst(entry.Node);
        }
        entry.Executions++;
        return entry;
    }

    public string NewName() => "_sg_" + _nextName++;

    /// <summary>Keeps at most <paramref name="max"/> entries; prepared ones evicted are queued for Close.</summary>
    public void Trim(int max)
    {
        while (_count > Math.Max(1, max) * 4 || CountPrepared() > max)
        {
            var last = _lru.Last!.Value;
            _lru.RemoveLast();
            Unlink(last);
            if (last.PreparedName is { } name) { PendingCloses.Add(name); _prepared--; }
        }
    }

    private void Unlink(Entry entry)
    {
        ref var head = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, entry.Sql);
        if (ReferenceEquals(head, entry))
        {
            if (entry.Next is null) _entries.Remove(entry.Sql);
            else head = entry.Next;
        }
        else
        {
            var previous = head;
            while (!ReferenceEquals(previous.Next, entry)) previous = previous.Next!;
            previous.Next = entry.Next;
        }
        _count--;
    }

    private int _prepared;
    private int CountPrepared() => _prepared;
    public void MarkPrepared(Entry entry, string name)
    {
        if (entry.PreparedName == name) return;
        entry.PreparedName = name;
        entry.PendingName = null;
        _prepared++;
    }

    public void Forget(Entry entry)
    {
        entry.PendingName = null;
        if (entry.PreparedName is not null) { _prepared--; entry.PreparedName = null; }
        entry.Description = null;
        entry.Executions = 0;
    }


    /// <summary>After DISCARD ALL / DEALLOCATE ALL: nothing is prepared server-side any more.</summary>
    public void ForgetAllPrepared()
    {
        foreach (var entry in _lru)
        {
            entry.PendingName = null;
            entry.PreparedName = null;
            entry.Description = null;
            entry.Executions = 0;
        }
        _prepared = 0;
        PendingCloses.Clear();
    }

    public RowDescription? ShapeOf(string sql) => _shapes.GetValueOrDefault(sql);

    public void RememberShape(string sql, RowDescription description)
    {
        if (_shapes.Count > 1000) _shapes.Clear();
        _shapes[sql] = description;
    }
}
