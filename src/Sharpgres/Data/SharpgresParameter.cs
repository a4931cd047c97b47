using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Sharpgres.Data;

/// <summary>
/// A command parameter: <c>@name</c> (ParameterName with or without the '@') or the n-th <c>$n</c>. The PostgreSQL type
/// comes from the value's .NET type as in <c>docs/types.md</c>, unless <see cref="DataTypeName"/> (any PostgreSQL type
/// name, <c>int4[]</c> for arrays) or an explicit <see cref="DbType"/> forces one. Strings stay untyped (the server
/// infers from the context, so a string goes into a jsonb column) unless DataTypeName says otherwise.
/// </summary>
public class SharpgresParameter : DbParameter
{
    private string _name = "";
    private DbType? _dbType;
    private string? _dataTypeName;
    private object? _value;

    /// <summary>An unnamed parameter without a value.</summary>
    public SharpgresParameter() { }

    /// <summary>A named parameter (<c>"@id"</c> or <c>"id"</c>) with a value.</summary>
    public SharpgresParameter(string? parameterName, object? value)
    {
        ParameterName = parameterName;
        Value = value;
    }

    /// <summary>A named parameter of a given <see cref="System.Data.DbType"/>.</summary>
    public SharpgresParameter(string? parameterName, DbType dbType)
    {
        ParameterName = parameterName;
        DbType = dbType;
    }

    /// <summary>The name as given; matched against <c>@name</c> placeholders with or without its '@'.</summary>
    [AllowNull]
    public override string ParameterName
    {
        get => _name;
        set => _name = value ?? "";
    }

    /// <summary>The name without its '@' or ':' prefix: what a placeholder names.</summary>
    internal string TrimmedName => _name.Length > 0 && _name[0] is '@' or ':' ? _name[1..] : _name;

    /// <summary>The value; null and <see cref="DBNull.Value"/> both send NULL.</summary>
    public override object? Value
    {
        get => GetValue();
        set => SetValue(value);
    }

    private protected virtual object? GetValue() => _value;
    private protected virtual void SetValue(object? value) => _value = value;

    /// <summary>True when the value is null or DBNull.</summary>
    internal virtual bool IsNullValue => _value is null or DBNull;

    /// <summary>The DbType set explicitly, or the one the value's .NET type maps to (Object when unknown).</summary>
    public override DbType DbType
    {
        // Without a type or a value: String, ADO.NET's default (SqlClient's; the specification suite checks it).
        get => _dbType ?? (_dataTypeName is { } name ? DbTypes.FromTypeName(name) : ValueType is { } type ? DbTypes.FromClrType(type) : DbType.String);
        set { _dbType = value; }
    }

    /// <summary>The .NET type of the value (the generic parameter's T), null when there is none.</summary>
    internal virtual Type? ValueType => _value is null or DBNull ? null : _value.GetType();

    internal DbType? ExplicitDbType => _dbType;

    /// <summary>
    /// The PostgreSQL type to send the value as (<c>"jsonb"</c>, <c>"int4[]"</c>, <c>"timestamptz"</c>, a user type);
    /// null leaves it to the value's .NET type or the DbType. Reading it gives the type that will be used.
    /// </summary>
    public string? DataTypeName
    {
        get => _dataTypeName ?? (_dbType is { } t ? DbTypes.ToTypeName(t) : null);
        set => _dataTypeName = value;
    }

    internal string? ExplicitDataTypeName => _dataTypeName;

    /// <summary>Input by default; Output and InputOutput parameters receive the first row's matching column.</summary>
    public override ParameterDirection Direction { get; set; } = ParameterDirection.Input;

    /// <summary>ADO.NET's nullability flag (informational).</summary>
    public override bool IsNullable { get; set; }

    /// <summary>For strings and binary values: at most this many characters / bytes are sent (0: all).</summary>
    public override int Size { get; set; }

    /// <summary>For decimals: the total number of digits (informational, as in Npgsql).</summary>
    public override byte Precision { get; set; }

    /// <summary>For decimals: the value is rounded to this many fractional digits before it is sent.</summary>
    public override byte Scale { get; set; }

    /// <summary>DataAdapter's source column.</summary>
    [AllowNull]
    public override string SourceColumn
    {
        get => _sourceColumn;
        set => _sourceColumn = value ?? "";
    }

    private string _sourceColumn = "";

    /// <summary>The collection this parameter is in (a parameter belongs to one collection at a time).</summary>
    internal SharpgresParameterCollection? Owner { get; set; }

    /// <summary>DataAdapter's null mapping flag.</summary>
    public override bool SourceColumnNullMapping { get; set; }

    /// <summary>DataAdapter's row version.</summary>
    public override DataRowVersion SourceVersion { get; set; } = DataRowVersion.Current;

    /// <summary>Forgets an explicit DbType and DataTypeName: the type follows the value again.</summary>
    public override void ResetDbType()
    {
        _dbType = null;
        _dataTypeName = null;
    }

    /// <summary>A copy with the same name, value and type settings.</summary>
    public SharpgresParameter Clone()
    {
        var copy = (SharpgresParameter)MemberwiseClone();
        copy.Owner = null;
        return copy;
    }

    /// <summary>Writes this parameter's value when it is bound (the generic parameter overrides it to avoid boxing).</summary>
    internal virtual BoundValue Bind(ParameterBinder binder) => binder.BindObject(this, _value);

    /// <inheritdoc />
    public override string ToString() => _name;
}

/// <summary>
/// A parameter whose value is a <typeparamref name="T"/> held unboxed in <see cref="TypedValue"/> and written by the
/// codec straight from it: no boxing per execution for the value types Sharpgres writes (int, long, double, Guid,
/// decimal, DateOnly ...). <see cref="DbParameter.Value"/> still works (it boxes when read).
/// </summary>
public sealed class SharpgresParameter<T> : SharpgresParameter
{
    /// <summary>An unnamed parameter.</summary>
    public SharpgresParameter() { }

    /// <summary>A named parameter with its value.</summary>
    public SharpgresParameter(string parameterName, T value)
    {
        ParameterName = parameterName;
        TypedValue = value;
    }

    /// <summary>The value, unboxed.</summary>
    public T? TypedValue { get; set; }

    private protected override object? GetValue() => TypedValue;
    private protected override void SetValue(object? value) => TypedValue = value is null or DBNull ? default : (T)value;
    internal override bool IsNullValue => TypedValue is null;
    internal override Type? ValueType => typeof(T);

    internal override BoundValue Bind(ParameterBinder binder) => binder.BindTyped(this);
}
