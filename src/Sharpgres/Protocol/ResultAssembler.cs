using Sharpgres.Protocol.Backend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres.Protocol;

/// <summary>
/// Builds buffered results from the messages of one statement: RowDescription / NoData, DataRows, then
/// CommandComplete or EmptyQueryResponse. Shared by the plain round trip and the pipeline.
/// </summary>
internal struct ResultAssembler(ReadContext context, RowDescription? known)
{
    private ResultSet? _current;
    private StatementCache.Entry? _teaching;

    /// <summary>
    /// The statement being run, when its cache entry may hold an <see cref="EagerFetch"/>: its first result with
    /// columns then maps its rows as they arrive.
    /// </summary>
    public StatementCache.Entry? Statement { readonly get => _teaching; set => _teaching = value; }

    /// <summary>The description of a statement whose Describe was skipped (a prepared statement already seen).</summary>
    public RowDescription? Known { readonly get => known; set => known = value; }

    /// <summary>
    /// Takes a message if it belongs to a result; <paramref name="completed"/> is set when a statement ends.
    /// False for messages it doesn't handle.
    /// </summary>
    public bool Accept(Session session, BackendMessageCode code, out ResultSet? completed)
    {
        completed = null;
        switch (code)
        {
            case BackendMessageCode.DataRow:
                _current ??= known is not null ? Open(known) : throw session.Unexpected(code, "RowDescription");
                if (_current.Description is not { } shape) throw session.Unexpected(code, "CommandComplete (the statement returns no rows)");
                try { shape.CheckRow(session.Reader.Payload); }
                catch (InterfaceError e) { throw session.Break(e); }
                _current.AddRow(session.Reader.Payload);
                _current.Eager?.Add(_current);
                return true;
            case BackendMessageCode.RowDescription:
                _current = Open(RowDescription.Parse(session.Reader.Payload));
                return true;
            case BackendMessageCode.NoData:
                _current = new ResultSet(null, context);
                return true;
            case BackendMessageCode.CommandComplete or BackendMessageCode.EmptyQueryResponse:
                // No RowDescription and no row: a statement without rows, or the BEGIN sent ahead of it in the same
                // round trip (which must not take the statement's early mapping). Nothing to map either way.
                completed = _current ?? new ResultSet(known, context);
                completed.Complete(code == BackendMessageCode.CommandComplete ? session.CommandTag() : "");
                _current = null;
                return true;
            case BackendMessageCode.PortalSuspended:
                completed = _current;
                _current = null;
                return true;
            case BackendMessageCode.ParseComplete or BackendMessageCode.BindComplete or BackendMessageCode.CloseComplete
                or BackendMessageCode.ParameterDescription:
                return true;
            default:
                return false;
        }
    }

    /// <summary>A result with columns; the first of a statement that learned an EagerFetch maps its rows as they come.</summary>
    private ResultSet Open(RowDescription description)
    {
        var result = new ResultSet(description, context);
        if (_teaching is { EagerFetch: { } eager } statement)
        {
            _teaching = null;
            // The last run's rows were mapped and never taken: the application fetches otherwise now.
            if (!eager.Begin(result)) statement.EagerFetch = null;
        }
        return result;
    }

    /// <summary>A statement's result is under way (its RowDescription, NoData or rows were read).</summary>
    public readonly bool InResult => _current is not null;

    /// <summary>After an ErrorResponse the statement's partial result is dropped.</summary>
    public void Reset() => _current = null;
}
