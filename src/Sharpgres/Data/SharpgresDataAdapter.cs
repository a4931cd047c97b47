using System.Data.Common;

namespace Sharpgres.Data;

/// <summary>
/// ADO.NET's data adapter over Sharpgres commands (Fill a DataTable / DataSet, Update it back with commands written by
/// hand or by <see cref="SharpgresCommandBuilder"/>). Exists so DataSet-based tools and
/// <c>DbProviderFactory.CreateDataAdapter()</c> work; new code should prefer readers or Dapper.
/// </summary>
public sealed class SharpgresDataAdapter : DbDataAdapter
{
    /// <summary>An adapter without commands.</summary>
    public SharpgresDataAdapter() { }

    /// <summary>An adapter that fills from <paramref name="selectCommand"/>.</summary>
    public SharpgresDataAdapter(SharpgresCommand selectCommand) => SelectCommand = selectCommand;

    /// <summary>An adapter that fills from <paramref name="selectText"/> run on <paramref name="connection"/>.</summary>
    public SharpgresDataAdapter(string selectText, SharpgresConnection connection) => SelectCommand = new SharpgresCommand(selectText, connection);

    /// <summary>Raised before each row's command runs in Update (the command builder writes its commands here).</summary>
    public event EventHandler<RowUpdatingEventArgs>? RowUpdating;

    /// <summary>Raised after each row's command ran in Update.</summary>
    public event EventHandler<RowUpdatedEventArgs>? RowUpdated;

    /// <inheritdoc />
    protected override void OnRowUpdating(RowUpdatingEventArgs value) => RowUpdating?.Invoke(this, value);

    /// <inheritdoc />
    protected override void OnRowUpdated(RowUpdatedEventArgs value) => RowUpdated?.Invoke(this, value);
}
