package lots

import (
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
)

// File is what the pages and the API send back of a stored file.
type File struct {
	Name, ContentType, SHA256 string
	Content                   []byte
}

// sendFile answers with a stored file as an attachment: never rendered by the browser as a
// page of ours, whatever it holds.
func sendFile(c *fiber.Ctx, f File) error {
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

func documentFile(d Document) File {
	return File{Name: d.Name, ContentType: d.ContentType, SHA256: d.SHA256, Content: d.Content}
}

func attachmentFile(a Attachment, content []byte) File {
	return File{Name: a.Name, ContentType: a.ContentType, SHA256: a.SHA256, Content: content}
}

// readUpload reads the "file" field of a multipart form, up to MaxDocumentSize; the service
// checks the rest (name, type, emptiness).
func readUpload(c *fiber.Ctx) (string, []byte, error) {
	if !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "Send the file as multipart/form-data in the field file"})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "Choose a file to upload"})
	}
	if fh.Size > MaxDocumentSize {
		return "", nil, &apperr.Error{Kind: apperr.TooLarge, Message: "The file must be smaller than 20 MB"}
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "The file could not be read: try again"})
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return "", nil, apperr.InvalidFields(map[string]string{"file": "The file could not be read: try again"})
	}
	return fh.Filename, content, nil
}
