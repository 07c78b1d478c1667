import Hummingbird

/// A request's context: Hummingbird's, plus who is asking, for the audit trail.
struct DICOMwebRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The token holder's name, or `loopback` when the server takes requests without a token.
    var requester = "loopback"

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// Lets through only requests carrying a granted Bearer token (401 otherwise), and names the holder.
struct BearerTokenMiddleware: RouterMiddleware {
    let tokens: BearerTokens

    func handle(
        _ request: Request, context: DICOMwebRequestContext,
        next: (Request, DICOMwebRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let holder = tokens.holder(ofAuthorization: request.headers[.authorization]) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Bearer realm=\"intake\"", .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "a Bearer token is required\n")))
        }
        var context = context
        context.requester = holder
        return try await next(request, context)
    }
}
