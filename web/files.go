package web

import (
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
)

// Files people upload and download, the same way in every feature: documents, attachments,
// evidence.

// File is what a handler sends back of a stored file.
type File struct {
	Name, ContentType, SHA256 string
	Content                   []byte
}

// SendFile answers with a stored file as an attachment: never rendered by the browser as a
// page of ours, whatever it holds.
func SendFile(c *fiber.Ctx, f File) error {
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": f.Name})
	if disp == "" {
		disp = "attachment"
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, disp)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-SHA256", f.SHA256)
	return c.Send(f.Content)
}

// ReadUpload reads the "file" field of a multipart form, up to limit bytes (a whole number of
// MB); the caller's service checks the rest (name, type, emptiness). It reads one byte past the
// limit so that a file larger than it says reaches the service as too large, never truncated.
func ReadUpload(c *fiber.Ctx, limit int64) (string, []byte, error) {
	if !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "Send the file as multipart/form-data in the field file"})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "Select a file to upload"})
	}
	if fh.Size > limit {
		return "", nil, &apperr.Error{Kind: apperr.TooLarge, Message: fmt.Sprintf("The file must be smaller than %d MB", limit>>20)}
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "The file could not be read: try again"})
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "The file could not be read: try again"})
	}
	return fh.Filename, content, nil
}
