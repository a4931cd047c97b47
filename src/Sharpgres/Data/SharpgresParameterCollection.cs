using System.Collections;
using System.Data;
using System.Data.Common;

namespace Sharpgres.Data;

/// <summary>
/// A command's parameters. <c>@name</c> placeholders take the parameter of that name (with or without its '@';
/// exact match first, then ignoring case); <c>$n</c> placeholders take the n-th input parameter.
/// </summary>
public sealed class SharpgresParameterCollection : DbParameterCollection, IList<SharpgresParameter>
{
    private readonly List<SharpgresParameter> _items = [];

    internal SharpgresParameterCollection() { }

    /// <summary>The number of parameters.</summary>
    public override int Count => _items.Count;

    /// <summary>An object to lock on (ADO.NET's ICollection).</summary>
    public override object SyncRoot => _items;

    /// <summary>The parameter at <paramref name="index"/>.</summary>
    public new SharpgresParameter this[int index]
    {
        get => _items[index];
        set => Replace(index, value);
    }

    /// <summary>The parameter named <paramref name="parameterName"/> (with or without '@').</summary>
    public new SharpgresParameter this[string parameterName]
    {
        get => _items[IndexOfOrThrow(parameterName)];
        set => Replace(IndexOfOrThrow(parameterName), value);
    }

    /// <summary>Adds a parameter and returns it.</summary>
    public SharpgresParameter Add(SharpgresParameter parameter)
    {
        _items.Add(Adopt(parameter));
        return parameter;
    }

    /// <summary>Adds a named parameter of a given DbType (its value set later).</summary>
    public SharpgresParameter Add(string parameterName, DbType dbType) => Add(new SharpgresParameter(parameterName, dbType));

    /// <summary>Adds a named parameter with a value (the type follows the value).</summary>
    public SharpgresParameter AddWithValue(string parameterName, object? value) => Add(new SharpgresParameter(parameterName, value));

    /// <summary>Adds a positional parameter (for <c>$n</c> placeholders) with a value.</summary>
    public SharpgresParameter AddWithValue(object? value) => Add(new SharpgresParameter(null, value));

    /// <summary>Adds a typed parameter: the value is written from <see cref="SharpgresParameter{T}.TypedValue"/>, unboxed.</summary>
    public SharpgresParameter<T> AddWithValue<T>(string parameterName, T value)
    {
        var p = new SharpgresParameter<T>(parameterName, value) { Owner = this };
        _items.Add(p);
        return p;
    }

    /// <inheritdoc />
    public override int Add(object value)
    {
        _items.Add(Adopt(Cast(value)));
        return _items.Count - 1;
    }

    /// <inheritdoc />
    public override void AddRange(Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var v in values) Add(v);
    }

    private static SharpgresParameter Cast(object? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value as SharpgresParameter ?? throw new InvalidCastException($"a SharpgresParameter is expected, got {value.GetType().Name}");
    }

    /// <summary>Takes a parameter in: one collection at a time (as Npgsql), so two commands never share its value by accident.</summary>
    private SharpgresParameter Adopt(SharpgresParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.Owner is not null)
            throw new ArgumentException($"the parameter '{parameter.ParameterName}' is already in a parameter collection: remove it first or add a Clone()", nameof(parameter));
        parameter.Owner = this;
        return parameter;
    }

    private void Replace(int index, SharpgresParameter value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var old = _items[index];
        if (ReferenceEquals(old, value)) return;
        _items[index] = Adopt(value);
        old.Owner = null;
    }

    /// <inheritdoc />
    public override void Clear()
    {
        foreach (var p in _items) p.Owner = null;
        _items.Clear();
    }

    /// <inheritdoc />
    public override bool Contains(object value) => value is SharpgresParameter p && _items.Contains(p);

    /// <inheritdoc />
    public override bool Contains(string value) => IndexOf(value) >= 0;

    /// <inheritdoc />
    public override void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);

    /// <inheritdoc />
    public override IEnumerator GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc />
    public override int IndexOf(object value) => value is SharpgresParameter p ? _items.IndexOf(p) : -1;

    /// <inheritdoc />
    public override int IndexOf(string parameterName)
    {
        if (parameterName is null) return -1;
        var name = Trim(parameterName);
        for (var i = 0; i < _items.Count; i++)
            if (string.Equals(_items[i].TrimmedName, name, StringComparison.Ordinal)) return i;
        for (var i = 0; i < _items.Count; i++)
            if (string.Equals(_items[i].TrimmedName, name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static string Trim(string name) => name.Length > 0 && name[0] is '@' or ':' ? name[1..] : name;

    private int IndexOfOrThrow(string parameterName)
    {
        var i = IndexOf(parameterName);
        return i >= 0 ? i : throw new IndexOutOfRangeException($"no parameter named '{parameterName}'");
    }

    /// <inheritdoc />
    public override void Insert(int index, object value)
    {
        var p = Cast(value);
        if ((uint)index > (uint)_items.Count) throw new ArgumentOutOfRangeException(nameof(index));
        _items.Insert(index, Adopt(p));
    }

    /// <inheritdoc />
    public override void Remove(object value)
    {
        var p = Cast(value);
        if (_items.Remove(p)) p.Owner = null;
    }

    /// <inheritdoc />
    public override void RemoveAt(int index)
    {
        var p = _items[index];   // ArgumentOutOfRangeException when out of range
        _items.RemoveAt(index);
        p.Owner = null;
    }

    /// <inheritdoc />
    public override void RemoveAt(string parameterName) => RemoveAt(IndexOfOrThrow(parameterName));

    /// <inheritdoc />
    protected override DbParameter GetParameter(int index) => _items[index];

    /// <inheritdoc />
    protected override DbParameter GetParameter(string parameterName) => _items[IndexOfOrThrow(parameterName)];

    /// <inheritdoc />
    protected override void SetParameter(int index, DbParameter value) => Replace(index, Cast(value));

    /// <inheritdoc />
    protected override void SetParameter(string parameterName, DbParameter value) => Replace(IndexOfOrThrow(parameterName), Cast(value));

    /// <summary>The parameter an <c>@name</c> placeholder takes.</summary>
    internal SharpgresParameter ForPlaceholder(string name)
    {
        var i = IndexOf(name);
        if (i < 0) throw new InvalidOperationException($"the command uses the placeholder @{name} but has no parameter named '{name}'");
        return _items[i];
    }

    /// <summary>The input parameter a <c>$n</c> placeholder takes (0-based).</summary>
    internal SharpgresParameter AtPosition(int position)
    {
        var seen = 0;
        foreach (var p in _items)
        {
            if (p.Direction is ParameterDirection.Output or ParameterDirection.ReturnValue) continue;
            if (seen++ == position) return p;
        }
        throw new InvalidOperationException($"the command uses the placeholder ${position + 1} but has {seen} input parameter{(seen == 1 ? "" : "s")}");
    }

    internal bool HasOutputs
    {
        get
        {
            foreach (var p in _items) if (p.Direction != ParameterDirection.Input) return true;
            return false;
        }
    }

    internal List<SharpgresParameter> Items => _items;

    int IList<SharpgresParameter>.IndexOf(SharpgresParameter item) => _items.IndexOf(item);
    void IList<SharpgresParameter>.Insert(int index, SharpgresParameter item) => Insert(index, item);
    void ICollection<SharpgresParameter>.Add(SharpgresParameter item) => Add(item);
    bool ICollection<SharpgresParameter>.Contains(SharpgresParameter item) => _items.Contains(item);
    void ICollection<SharpgresParameter>.CopyTo(SharpgresParameter[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);
    bool ICollection<SharpgresParameter>.Remove(SharpgresParameter item)
    {
        if (!_items.Remove(item)) return false;
        item.Owner = null;
        return true;
    }
    bool ICollection<SharpgresParameter>.IsReadOnly => false;
    IEnumerator<SharpgresParameter> IEnumerable<SharpgresParameter>.GetEnumerator() => _items.GetEnumerator();
}
