package lots

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"golive/web"
)

// The files of a procurement as the pages and the API send them back: the published documents
// and the attachments of a response, each fetched by a service call that decides who may have it.

// sendFile is web.SendFile by the name the pages call it.
func sendFile(c *fiber.Ctx, f web.File) error { return web.SendFile(c, f) }

func documentFile(d Document) web.File {
	return web.File{Name: d.Name, ContentType: d.ContentType, SHA256: d.SHA256, Content: d.Content}
}

func attachmentFile(a Attachment, content []byte) web.File {
	return web.File{Name: a.Name, ContentType: a.ContentType, SHA256: a.SHA256, Content: content}
}

// readUpload reads the "file" field of a multipart form, up to MaxDocumentSize.
func readUpload(c *fiber.Ctx) (string, []byte, error) { return web.ReadUpload(c, MaxDocumentSize) }

// sendDocument answers with the document in the path (:id, :doc) as get finds it: the
// commissioners' and the bidders' calls differ in what they may see.
func sendDocument(c *fiber.Ctx, get func(ctx context.Context, id, docID string) (Document, error)) error {
	d, err := get(c.UserContext(), c.Params("id"), c.Params("doc"))
	if err != nil {
		return err
	}
	return sendFile(c, documentFile(d))
}

// sendAttachment answers with the response attachment in the path (:id, :lot, :att) as get
// finds it: the bidder's own, or an opened one for the commissioners.
func sendAttachment(c *fiber.Ctx, get func(ctx context.Context, id, lotID, attachmentID string) (Attachment, []byte, error)) error {
	a, content, err := get(c.UserContext(), c.Params("id"), c.Params("lot"), c.Params("att"))
	if err != nil {
		return err
	}
	return sendFile(c, attachmentFile(a, content))
}
