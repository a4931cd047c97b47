using System.Runtime.CompilerServices;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres.Protocol;

/// <summary>
/// Reads the answers of one round trip into buffered results, up to the expected number of ReadyForQuery.
/// A server error is kept and raised only after the exchange is over, so the session never stays mid-protocol.
/// </summary>
internal static class ResultReader
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Error?> ReadAsync(Session session, List<ResultSet> results, int readyCount, ReadContext context,
        bool async, CancellationToken ct, RowDescription? known = null)
    {
        Error? error = null;
        ResultSet? current = null;
        while (true)
        {
            var code = await session.ReadMessageAsync(async, ct).ConfigureAwait(false);
            switch (code)
            {
                case BackendMessageCode.DataRow:
                    current ??= known is not null ? new ResultSet(known, context) : throw session.Unexpected(code, "RowDescription");
                    current.AddRow(session.Reader.Payload);
                    break;
                case BackendMessageCode.RowDescription:
                    current = new ResultSet(RowDescription.Parse(session.Reader.Payload), context);
                    break;
                case BackendMessageCode.NoData:
                    current = new ResultSet(null, context);
                    break;
                case BackendMessageCode.CommandComplete:
                    current ??= new ResultSet(known, context);
                    current.Complete(session.CommandTag());
                    results.Add(current);
                    current = null;
                    break;
                case BackendMessageCode.EmptyQueryResponse:
                    current ??= new ResultSet(null, context);
                    current.Complete("");
                    results.Add(current);
                    current = null;
                    break;
                case BackendMessageCode.PortalSuspended:
                    if (current is not null) { results.Add(current); current = null; }
                    break;
                case BackendMessageCode.ParseComplete or BackendMessageCode.BindComplete or BackendMessageCode.CloseComplete
                    or BackendMessageCode.ParameterDescription:
                    break;
                case BackendMessageCode.ErrorResponse:
                    error ??= Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                    current = null;
                    break;
                case BackendMessageCode.CopyInResponse:
                    // COPY belongs to cur.Copy(): refuse the data so the server ends the statement cleanly.
                    session.Writer.WriteCopyFail("COPY FROM STDIN is not supported by Execute: use Cursor.Copy()");
                    await session.FlushAsync(async, ct).ConfigureAwait(false);
                    error ??= new ProgrammingError("COPY cannot be run with Execute: use cur.Copy(\"COPY ...\") instead");
                    break;
                case BackendMessageCode.CopyOutResponse:
                    error ??= new ProgrammingError("COPY cannot be run with Execute: use cur.Copy(\"COPY ...\") instead");
                    break;
                case BackendMessageCode.CopyData or BackendMessageCode.CopyDone:
                    break;
                case BackendMessageCode.ReadyForQuery:
                    session.OnReadyForQuery();
                    if (--readyCount == 0) return error;
                    break;
                default:
                    throw session.Unexpected(code, "query results");
            }
        }
    }
}
