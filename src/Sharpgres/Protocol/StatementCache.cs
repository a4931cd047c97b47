using Sharpgres.Protocol.Backend;

namespace Sharpgres.Protocol;

/// <summary>
/// Per-session memory of statements: how often each (SQL, parameter types) ran, which are prepared server-side
/// (psycopg's prepare_threshold / prepared_max, LRU), and the last RowDescription seen for a SQL text — which lets
/// later executions ask for binary results.
/// </summary>
internal sealed class StatementCache
{
    internal sealed class Entry(string key)
    {
        public string Key { get; } = key;
        public int Executions;
        public string? PreparedName;
        public string? PendingName;           // Parse sent, its outcome not read yet (pipelines)
        public RowDescription? Description;   // with the result formats the prepared statement returns
        public LinkedListNode<Entry>? Node;
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _lru = new();
    private readonly Dictionary<string, RowDescription> _shapes = new(StringComparer.Ordinal);
    private int _nextName;

    /// <summary>Prepared statements evicted from the LRU, to be closed at the next round trip.</summary>
    public List<string> PendingCloses { get; } = [];

    public Entry Touch(string sql, string oidKey)
    {
        var key = oidKey.Length == 0 ? sql : sql + "\0" + oidKey;
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry(key);
            _entries[key] = entry;
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
        while (_entries.Count > Math.Max(1, max) * 4 || CountPrepared() > max)
        {
            var last = _lru.Last!.Value;
            _lru.RemoveLast();
            _entries.Remove(last.Key);
            if (last.PreparedName is { } name) { PendingCloses.Add(name); _prepared--; }
        }
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

    /// <summary>After an error the server may have dropped statements we prepared in a batch: forget them all.</summary>
    public void ForgetAllPrepared()
    {
        foreach (var e in _entries.Values) { e.PreparedName = null; e.Description = null; }
        _prepared = 0;
    }

    public RowDescription? ShapeOf(string sql) => _shapes.GetValueOrDefault(sql);

    public void RememberShape(string sql, RowDescription description)
    {
        if (_shapes.Count > 1000) _shapes.Clear();
        _shapes[sql] = description;
    }
}
