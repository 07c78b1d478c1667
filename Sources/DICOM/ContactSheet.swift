/// A contact sheet: a grid of thumbnails, each with a few lines of text under it, for staff checking
/// that a disc holds what the patient says and for a reviewer's first look. White text on black, as
/// images are read.
public struct ContactSheet: Sendable {
    public struct Tile: Sendable {
        /// The thumbnail; nil when there is none (the first line then says why).
        public var image: GrayImage?
        public var lines: [String]

        public init(image: GrayImage?, lines: [String]) {
            self.image = image
            self.lines = lines
        }
    }

    /// Thumbnails are scaled to fit this many pixels square.
    public static let thumbnailSize = 240
    static let scale = 2
    static let margin = 8
    static let lineHeight = (BitmapFont.glyphHeight + 3) * scale

    public let tiles: [Tile]
    public let title: String

    public init(title: String, tiles: [Tile]) {
        self.title = title
        self.tiles = tiles
    }

    /// The sheet, `columns` tiles wide.
    public func image(columns requested: Int = 4) -> GrayImage {
        let columns = max(1, min(requested, tiles.count))
        let lines = tiles.map(\.lines.count).max() ?? 0
        let tileWidth = Self.thumbnailSize + 2 * Self.margin
        let tileHeight = Self.thumbnailSize + Self.margin * 2 + lines * Self.lineHeight
        let titleHeight = Self.lineHeight + Self.margin * 2
        let rows = (tiles.count + columns - 1) / columns
        var sheet = GrayImage(width: columns * tileWidth, height: titleHeight + max(1, rows) * tileHeight)
        BitmapFont.draw(
            title, into: &sheet, x: Self.margin, y: Self.margin, scale: Self.scale, value: 255,
            maxWidth: sheet.width - 2 * Self.margin)
        for (index, tile) in tiles.enumerated() {
            let left = (index % columns) * tileWidth + Self.margin
            let top = titleHeight + (index / columns) * tileHeight + Self.margin
            // A dark gray frame shows where a thumbnail is, or would be.
            sheet.fill(x: left, y: top, width: Self.thumbnailSize, height: Self.thumbnailSize, with: 40)
            if let image = tile.image {
                sheet.draw(
                    image, atX: left + (Self.thumbnailSize - image.width) / 2,
                    y: top + (Self.thumbnailSize - image.height) / 2)
            }
            for (number, line) in tile.lines.enumerated() {
                BitmapFont.draw(
                    line, into: &sheet, x: left,
                    y: top + Self.thumbnailSize + Self.margin / 2 + number * Self.lineHeight,
                    scale: Self.scale, value: number == 0 ? 255 : 200, maxWidth: Self.thumbnailSize)
            }
        }
        return sheet
    }
}
