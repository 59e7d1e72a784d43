// aws4fetch: SigV4 signing (headers and presigned URLs) over fetch.
export { AwsClient } from 'aws4fetch';
