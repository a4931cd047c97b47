using System.Data;
using System.Data.Common;

namespace Sharpgres.Data;

/// <summary>
/// Writes the INSERT / UPDATE / DELETE commands of a <see cref="SharpgresDataAdapter"/> from its single-table SELECT
/// (key columns found through the reader's KeyInfo schema). Identifiers are double-quoted, parameters are <c>@p1</c>, ...
/// </summary>
public sealed class SharpgresCommandBuilder : DbCommandBuilder
{
    /// <summary>A builder not yet attached to an adapter.</summary>
    public SharpgresCommandBuilder()
    {
        QuotePrefix = "\"";
        QuoteSuffix = "\"";
    }

    /// <summary>A builder writing the commands of <paramref name="adapter"/>.</summary>
    public SharpgresCommandBuilder(SharpgresDataAdapter adapter) : this() => DataAdapter = adapter;

    /// <summary>PostgreSQL's quoting: wrapped in double quotes, inner quotes doubled.</summary>
    public override string QuoteIdentifier(string unquotedIdentifier)
    {
        ArgumentNullException.ThrowIfNull(unquotedIdentifier);
        return "\"" + unquotedIdentifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <inheritdoc />
    public override string UnquoteIdentifier(string quotedIdentifier)
    {
        ArgumentNullException.ThrowIfNull(quotedIdentifier);
        return quotedIdentifier.Length >= 2 && quotedIdentifier[0] == '"' && quotedIdentifier[^1] == '"'
            ? quotedIdentifier[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal)
            : quotedIdentifier;
    }

    /// <summary>The column's PostgreSQL type, so values go out typed as the column is (a text value into an int column too).</summary>
    protected override void ApplyParameterInfo(DbParameter parameter, DataRow row, StatementType statementType, bool whereClause)
    {
        if (parameter is SharpgresParameter p && row.Table.Columns.Contains("DataTypeName") && row["DataTypeName"] is string name && name.Length > 0)
            p.DataTypeName = name;
    }

    /// <inheritdoc />
    protected override string GetParameterName(int parameterOrdinal) => "@p" + parameterOrdinal.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    protected override string GetParameterName(string parameterName) => "@" + parameterName;

    /// <inheritdoc />
    protected override string GetParameterPlaceholder(int parameterOrdinal) => GetParameterName(parameterOrdinal);

    /// <inheritdoc />
    protected override void SetRowUpdatingHandler(DbDataAdapter adapter)
    {
        if (adapter is not SharpgresDataAdapter sharpgres)
            throw new ArgumentException("a SharpgresCommandBuilder writes the commands of a SharpgresDataAdapter", nameof(adapter));
        // The base class calls this once to attach (a new adapter) and once to detach (the current one).
        if (ReferenceEquals(adapter, DataAdapter)) sharpgres.RowUpdating -= OnRowUpdating;
        else sharpgres.RowUpdating += OnRowUpdating;
    }

    private void OnRowUpdating(object? sender, RowUpdatingEventArgs e) => RowUpdatingHandler(e);

    /// <summary>The INSERT command for the adapter's table.</summary>
    public new SharpgresCommand GetInsertCommand() => (SharpgresCommand)base.GetInsertCommand();

    /// <summary>The UPDATE command for the adapter's table.</summary>
    public new SharpgresCommand GetUpdateCommand() => (SharpgresCommand)base.GetUpdateCommand();

    /// <summary>The DELETE command for the adapter's table.</summary>
    public new SharpgresCommand GetDeleteCommand() => (SharpgresCommand)base.GetDeleteCommand();
}
